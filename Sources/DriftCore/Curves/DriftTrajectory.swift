import Foundation

/// A realistic stage drift for simulation: a slow random walk (Gaussian steps every `stepFrames`,
/// joined by a cubic spline so it is smooth between steps), a slow oscillation and a linear creep,
/// scaled so the largest excursion in x-y is `magnitudeNm`. z gets two thirds of that when asked for.
public enum DriftTrajectory {
    /// Drift at each frame 0 ..< frames, nm, zero at frame 0.
    public static func make(frames: Int, magnitudeNm: Double, threeD: Bool, stepFrames: Int = 100,
                            rng: inout RandomSource) -> [SIMD3<Double>] {
        precondition(frames > 0)
        var axes: [[Double]] = []
        for axis in 0..<3 {
            let knotsCount = max(2, frames / stepFrames + 2)
            var walk = [Double](repeating: 0, count: knotsCount)
            for k in 1..<knotsCount { walk[k] = walk[k - 1] + rng.normal() }
            let knots = (0..<knotsCount).map { Double($0 * stepFrames) }
            let spline = CubicSpline(knots: knots, values: walk)
            let period = Double(frames) * rng.uniform(0.6, 1.4)
            let phase = rng.uniform(0, 2 * Double.pi)
            let creep = rng.uniform(-1, 1)
            var raw = (0..<frames).map { f -> Double in spline(Double(f)) }
            // Scale the parts against each other: walk, oscillation and creep of similar size.
            let walkRange = (raw.max()! - raw.min()!)
            let walkScale = walkRange > 0 ? 1 / walkRange : 0
            for f in 0..<frames {
                let t = Double(f)
                raw[f] = raw[f] * walkScale + 0.5 * sin(2 * Double.pi * t / period + phase)
                    + 0.6 * creep * t / Double(frames)
            }
            if axis == 2 && !threeD { raw = [Double](repeating: 0, count: frames) }
            let start = raw[0]
            axes.append(raw.map { $0 - start })
        }
        var largest = 0.0
        for f in 0..<frames { largest = max(largest, (axes[0][f] * axes[0][f] + axes[1][f] * axes[1][f]).squareRoot()) }
        let scale = largest > 0 ? magnitudeNm / largest : 0
        return (0..<frames).map { f in SIMD3(axes[0][f] * scale, axes[1][f] * scale, axes[2][f] * scale * 2 / 3) }
    }
}
