/// The outcome of refinement: the correction to add to the base drift, as a spline through the fine
/// segments' centres.
public struct RefinementResult: Sendable {
    /// Every fine segment of every process, in time order.
    public var centres: [Double]
    public var firstFrames: [Int]
    public var lastFrames: [Int]
    public var counts: [Int]
    /// Correction at each fine segment, nm (x, y, z; z = 0 unless z was refined).
    public var correction: [SIMD3<Double>]
    /// Whether the segment had localisations and something to align to in the last pass; the others
    /// are left out of the mean and of the spline.
    public var valid: [Bool]
    public var passes: Int
    /// Largest move of any fine segment in the last pass, nm.
    public var lastUpdateNm: Double

    /// The correction at frames: a cubic spline through the fine segments (smoothing 0: interpolating),
    /// held at the ends.
    public func spline(smoothing: Double = 0) -> ([Int]) -> [SIMD3<Double>] {
        let keep = centres.indices.filter { valid[$0] }
        let c = keep.map { centres[$0] }, v = keep.map { correction[$0] }
        guard !keep.isEmpty else { return { frames in [SIMD3<Double>](repeating: .zero, count: frames.count) } }
        return { frames in DriftInterpolation.drift(at: frames, centres: c, drift: v, smoothing: smoothing) }
    }
}
