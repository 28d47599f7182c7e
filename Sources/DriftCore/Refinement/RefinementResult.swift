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
    /// The dimensionless smoothing of the correction spline (`SmoothingSpline`) in the last pass, and
    /// its effective number of parameters (the segments' count when it interpolates).
    public var smoothing: Double = 0
    public var effectiveParameters: Double = 0

    /// The correction at frames: a cubic smoothing spline through the valid fine segments, weighted by
    /// their localisations (`smoothing`, 0: interpolating), held at the ends.
    public func spline() -> ([Int]) -> [SIMD3<Double>] {
        let keep = centres.indices.filter { valid[$0] }
        let c = keep.map { centres[$0] }, v = keep.map { correction[$0] }
        let w = keep.map { Double(max(counts[$0], 1)) }
        guard !keep.isEmpty else { return { frames in [SIMD3<Double>](repeating: .zero, count: frames.count) } }
        let s = smoothing
        return { frames in DriftInterpolation.drift(at: frames, centres: c, drift: v, smoothing: s, weights: s > 0 ? w : nil) }
    }

    /// Chooses `smoothing` for the current corrections: `setting`'s value, or by generalised
    /// cross-validation over the valid segments (x, y and z together), among the candidates within a
    /// factor of 10 of `near` when given.
    public mutating func chooseSmoothing(_ setting: RefinementSmoothing, near: Double? = nil) {
        let keep = centres.indices.filter { valid[$0] }
        switch setting {
        case .fixed(let v):
            smoothing = v
            effectiveParameters = Double(keep.count)
        case .automatic:
            let (knots, values) = DriftInterpolation.increasingKnots(keep.map { centres[$0] }, keep.map { correction[$0] })
            let w = knots.count == keep.count ? keep.map { Double(max(counts[$0], 1)) } : nil
            let candidates = near.map { c in SmoothingSelection.candidates.filter { $0 >= c / 10.0001 && $0 <= c * 10.0001 } }
            let choice = SmoothingSelection.choose(knots: knots, values: (0..<3).map { k in values.map { $0[k] } }, weights: w,
                                                   candidates: candidates?.isEmpty == false ? candidates! : SmoothingSelection.candidates)
            smoothing = choice.smoothing
            effectiveParameters = choice.effectiveParameters
        }
    }

    /// The correction spline's values at each fine segment's centre (zero where none is valid).
    public func fittedCorrections() -> [SIMD3<Double>] {
        let keep = centres.indices.filter { valid[$0] }
        guard !keep.isEmpty else { return [SIMD3<Double>](repeating: .zero, count: centres.count) }
        let w = keep.map { Double(max(counts[$0], 1)) }
        let curve = DriftInterpolation.curve(centres: keep.map { centres[$0] }, drift: keep.map { correction[$0] },
                                             smoothing: smoothing, weights: smoothing > 0 ? w : nil)
        return centres.map(curve)
    }
}
