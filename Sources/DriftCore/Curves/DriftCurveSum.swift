/// The sum of drift curves (the algorithm of `driftmpi drift combine`; DriftIO's `DriftCombination`
/// reads and writes the files): the drift of data corrected in several passes is the sum of the drift
/// found in each pass.
///
/// A curve is its frames (strictly increasing frame numbers) and its drift at each (in the caller's
/// unit). The sum is taken on the union of the curves' frames; a curve holds its first value before its
/// first frame and its last value after its last frame (as the splines do beyond their knots), and is
/// interpolated linearly across a gap in its own frame numbers.
public enum DriftCurveSum {
    /// A curve's drift at `frame`: its value where it has the frame, held at its first / last value
    /// outside its frames, linear between its neighbours in a gap. `frames` strictly increasing.
    public static func value(frames: [Int64], drift: [SIMD3<Double>], at frame: Int64) -> SIMD3<Double> {
        precondition(!frames.isEmpty && frames.count == drift.count)
        if frame <= frames[0] { return drift[0] }
        if frame >= frames[frames.count - 1] { return drift[drift.count - 1] }
        // frames[lo] <= frame < frames[hi].
        let hi = frames.partitioningIndex { $0 > frame }, lo = hi - 1
        if frames[lo] == frame { return drift[lo] }
        let t = Double(frame - frames[lo]) / Double(frames[hi] - frames[lo])
        return drift[lo] + t * (drift[hi] - drift[lo])
    }

    /// The first row whose frame is not above the previous row's, or nil when `frames` strictly increase.
    public static func firstNonIncreasingRow(_ frames: [Int64]) -> Int? {
        frames.indices.dropFirst().first(where: { frames[$0] <= frames[$0 - 1] })
    }

    /// The summed curve on the union of the curves' frames (sorted), each curve added in order.
    public static func sum(_ curves: [(frames: [Int64], drift: [SIMD3<Double>])]) -> (frames: [Int64], drift: [SIMD3<Double>]) {
        let frames = Array(Set(curves.flatMap(\.frames))).sorted()
        var drift = [SIMD3<Double>](repeating: .zero, count: frames.count)
        for c in curves {
            for (k, f) in frames.enumerated() { drift[k] += value(frames: c.frames, drift: c.drift, at: f) }
        }
        return (frames, drift)
    }

    /// The sum of the curves at each of `frames` (each curve added in order, from zero).
    public static func sum(_ curves: [(frames: [Int64], drift: [SIMD3<Double>])], at frames: [Int64]) -> [SIMD3<Double>] {
        frames.map { f in curves.reduce(SIMD3<Double>.zero) { $0 + value(frames: $1.frames, drift: $1.drift, at: f) } }
    }
}
