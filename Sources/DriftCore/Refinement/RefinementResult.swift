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
    /// The largest move the next pass was expected to make (from the third pass on: last update^2 /
    /// the one before; infinity before), nm. The passes stop when it or `lastUpdateNm` is under the
    /// tolerance.
    public var predictedUpdateNm: Double = .infinity
    /// The dimensionless smoothing of the correction spline (`SmoothingSpline`) in the last pass, and
    /// its effective number of parameters (the segments' count when it interpolates).
    public var smoothing: Double = 0
    public var effectiveParameters: Double = 0

    /// The valid fine segments' centres (frames), corrections (nm) and weights (their localisations).
    private var validPoints: (centres: [Double], corrections: [SIMD3<Double>], weights: [Double]) {
        let keep = centres.indices.filter { valid[$0] }
        return (keep.map { centres[$0] }, keep.map { correction[$0] }, keep.map { Double(max(counts[$0], 1)) })
    }

    /// The correction curve at times (frames): a cubic smoothing spline through the valid fine
    /// segments, weighted by their localisations (`smoothing`, 0: interpolating), held at the ends;
    /// zero where no segment is valid.
    private func curve() -> ([Double]) -> [SIMD3<Double>] {
        let p = validPoints
        guard !p.centres.isEmpty else { return { ts in [SIMD3<Double>](repeating: .zero, count: ts.count) } }
        return DriftInterpolation.curves(centres: p.centres, drift: p.corrections, smoothing: smoothing,
                                         weights: smoothing > 0 ? p.weights : nil)
    }

    /// The correction at frames (see `curve`).
    public func spline() -> ([Int]) -> [SIMD3<Double>] {
        let f = curve()
        return { frames in f(frames.map(Double.init)) }
    }

    /// Chooses `smoothing` for the current corrections: `setting`'s value, or by generalised
    /// cross-validation over the valid segments (x, y and z together), among the candidates within a
    /// factor of 10 of `near` when given; with `share`, the candidates are scored by the processes
    /// together (collective).
    public mutating func chooseSmoothing(_ setting: RefinementSmoothing, near: Double? = nil, share: WorkShare = .serial) {
        let p = validPoints
        switch setting {
        case .fixed(let v):
            smoothing = v
            effectiveParameters = Double(p.centres.count)
        case .automatic:
            let (knots, values) = DriftInterpolation.increasingKnots(p.centres, p.corrections)
            let w = knots.count == p.centres.count ? p.weights : nil
            let nearby = near.map { c in SmoothingSelection.candidates.filter { $0 >= c / 10.0001 && $0 <= c * 10.0001 } } ?? []
            let choice = SmoothingSelection.choose(knots: knots, values: (0..<3).map { k in values.map { $0[k] } }, weights: w,
                                                   candidates: nearby.isEmpty ? SmoothingSelection.candidates : nearby,
                                                   share: share)
            smoothing = choice.smoothing
            effectiveParameters = choice.effectiveParameters
        }
    }

    /// The correction curve's values at each fine segment's centre (zero where none is valid).
    public func fittedCorrections() -> [SIMD3<Double>] {
        curve()(centres)
    }
}
