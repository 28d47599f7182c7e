/// Drift at every frame from the drifts of segments at their centre frames.
public enum DriftInterpolation {
    /// Knots made strictly increasing: runs of equal (or out-of-order) centres, as overlapping segments
    /// with the same localisations can give, are merged into their mean.
    static func increasingKnots(_ centres: [Double], _ values: [SIMD3<Double>]) -> ([Double], [SIMD3<Double>]) {
        guard zip(centres, centres.dropFirst()).contains(where: { $0 >= $1 }) else { return (centres, values) }
        var c: [Double] = [], v: [SIMD3<Double>] = [], n: [Double] = []
        for (t, d) in zip(centres, values) {
            if let last = c.last, t <= last {
                let k = c.count - 1
                v[k] = (v[k] * n[k] + d) / (n[k] + 1)
                n[k] += 1
            } else {
                c.append(t); v.append(d); n.append(1)
            }
        }
        return (c, v)
    }

    /// Drift (nm) at each of `frames`, by a natural cubic spline through (centre, drift) per axis,
    /// held constant before the first and after the last centre.
    public static func drift(at frames: [Int], centres: [Double], drift: [SIMD3<Double>]) -> [SIMD3<Double>] {
        self.drift(at: frames, centres: centres, drift: drift, smoothing: 0)
    }

    /// Drift (nm) at each of `frames`, by a natural cubic smoothing spline (`SmoothingSpline`) through
    /// (centre frame, drift) per axis (x, y, z), held constant before the first and after the last centre.
    /// `smoothing` is dimensionless (lambda = smoothing * (mean centre spacing in frames)^3; see
    /// `SmoothingSpline`); `weights` (one per segment, e.g. 1 / variance of its drift; nil = equal) are
    /// shared by the three axes. With `smoothing` 0 this is exactly `drift(at:centres:drift:)`.
    public static func drift(at frames: [Int], centres: [Double], drift: [SIMD3<Double>],
                             smoothing: Double, weights: [Double]? = nil) -> [SIMD3<Double>] {
        curves(centres: centres, drift: drift, smoothing: smoothing, weights: weights)(frames.map(Double.init))
    }

    /// The same curve as `drift(at:centres:drift:smoothing:weights:)` at many times (frames) at once:
    /// the same values, bit for bit, faster where the times ascend.
    public static func curves(centres: [Double], drift: [SIMD3<Double>], smoothing: Double,
                              weights: [Double]? = nil) -> ([Double]) -> [SIMD3<Double>] {
        let axes = self.axes(centres: centres, drift: drift, smoothing: smoothing, weights: weights)
        return { ts in
            let x = axes[0].many(ts), y = axes[1].many(ts), z = axes[2].many(ts)
            return ts.indices.map { SIMD3(x[$0], y[$0], z[$0]) }
        }
    }

    /// The same curve as `drift(at:centres:drift:smoothing:weights:)`, at any time t (frames).
    public static func curve(centres: [Double], drift: [SIMD3<Double>], smoothing: Double,
                             weights: [Double]? = nil) -> (Double) -> SIMD3<Double> {
        let axes = self.axes(centres: centres, drift: drift, smoothing: smoothing, weights: weights)
        return { t in SIMD3(axes[0].one(t), axes[1].one(t), axes[2].one(t)) }
    }

    /// The x, y and z splines, each at one time and at many.
    private static func axes(centres: [Double], drift: [SIMD3<Double>], smoothing: Double,
                             weights: [Double]?) -> [(one: (Double) -> Double, many: ([Double]) -> [Double])] {
        precondition(centres.count == drift.count && !centres.isEmpty)
        precondition(weights.map { $0.count == centres.count && $0.allSatisfy { $0 > 0 && $0.isFinite } } ?? true,
                     "one finite positive weight per segment")
        let (knots, values) = increasingKnots(centres, drift)
        // Interpolation does not depend on the weights: the plain cubic spline (`CubicSpline`).
        if smoothing == 0 {
            return (0..<3).map { k in
                let spline = CubicSpline(knots: knots, values: values.map { $0[k] })
                return ({ spline($0) }, { spline($0) })
            }
        }
        // Merged knots lose their separate weights: weigh them all alike then.
        let w = knots.count == centres.count ? weights : nil
        return (0..<3).map { k in
            let spline = SmoothingSpline(knots: knots, values: values.map { $0[k] }, weights: w, smoothing: smoothing)
            return ({ spline($0) }, { spline($0) })
        }
    }
}
