import CLAPACK

/// A natural cubic spline through points (t, v), evaluated between the first and last knot and held
/// constant beyond them. The knot second derivatives come from a tridiagonal system (LAPACK dgtsv).
public struct CubicSpline: Sendable {
    public let knots: [Double]
    public let values: [Double]
    private let secondDerivatives: [Double]

    /// `knots` strictly increasing.
    public init(knots: [Double], values: [Double]) {
        precondition(knots.count == values.count && !knots.isEmpty)
        self.knots = knots
        self.values = values
        let n = knots.count
        guard n > 2 else { secondDerivatives = [Double](repeating: 0, count: n); return }
        // Interior equations for M[1] ... M[n-2], with M[0] = M[n-1] = 0.
        let m = n - 2
        var lower = [Double](repeating: 0, count: max(m - 1, 1))
        var diag = [Double](repeating: 0, count: m)
        var upper = [Double](repeating: 0, count: max(m - 1, 1))
        var rhs = [Double](repeating: 0, count: m)
        for k in 1...m {
            let h0 = knots[k] - knots[k - 1], h1 = knots[k + 1] - knots[k]
            diag[k - 1] = 2 * (h0 + h1)
            if k < m { upper[k - 1] = h1; lower[k - 1] = h1 }
            rhs[k - 1] = 6 * ((values[k + 1] - values[k]) / h1 - (values[k] - values[k - 1]) / h0)
        }
        let info = LAPACKE_dgtsv(LAPACK_COL_MAJOR, Int32(m), 1, &lower, &diag, &upper, &rhs, Int32(m))
        precondition(info == 0, "spline system singular (knots not increasing)")
        secondDerivatives = [0] + rhs + [0]
    }

    /// The spline's value at t (held at the end values outside the knots).
    public func callAsFunction(_ t: Double) -> Double {
        CubicSpline.evaluate(knots: knots, values: values, secondDerivatives: secondDerivatives, at: t)
    }

    /// A cubic spline given by its knot values and second derivatives, at t; held at the end values
    /// outside the knots.
    static func evaluate(knots: [Double], values: [Double], secondDerivatives: [Double], at t: Double) -> Double {
        let n = knots.count
        if n == 1 || t <= knots[0] { return values[0] }
        if t >= knots[n - 1] { return values[n - 1] }
        var lo = 0, hi = n - 1
        while hi - lo > 1 {
            let mid = (lo + hi) / 2
            if knots[mid] <= t { lo = mid } else { hi = mid }
        }
        let h = knots[hi] - knots[lo]
        let a = (knots[hi] - t) / h, b = (t - knots[lo]) / h
        let m0 = secondDerivatives[lo], m1 = secondDerivatives[hi]
        return a * values[lo] + b * values[hi] + ((a * a * a - a) * m0 + (b * b * b - b) * m1) * h * h / 6
    }
}

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
        precondition(centres.count == drift.count && !centres.isEmpty)
        let (centres, drift) = increasingKnots(centres, drift)
        let splines = (0..<3).map { k in CubicSpline(knots: centres, values: drift.map { $0[k] }) }
        return frames.map { f in
            let t = Double(f)
            return SIMD3(splines[0](t), splines[1](t), splines[2](t))
        }
    }

    /// Drift (nm) at each of `frames`, by a natural cubic smoothing spline (`SmoothingSpline`) through
    /// (centre frame, drift) per axis (x, y, z), held constant before the first and after the last centre.
    /// `smoothing` is dimensionless (lambda = smoothing * (mean centre spacing in frames)^3; see
    /// `SmoothingSpline`); `weights` (one per segment, e.g. 1 / variance of its drift; nil = equal) are
    /// shared by the three axes. With `smoothing` 0 this is exactly `drift(at:centres:drift:)`.
    public static func drift(at frames: [Int], centres: [Double], drift: [SIMD3<Double>],
                             smoothing: Double, weights: [Double]? = nil) -> [SIMD3<Double>] {
        precondition(centres.count == drift.count && !centres.isEmpty)
        precondition(weights.map { $0.count == centres.count && $0.allSatisfy { $0 > 0 && $0.isFinite } } ?? true,
                     "one finite positive weight per segment")
        // Interpolation does not depend on the weights; use the existing spline so results are bit-identical.
        if smoothing == 0 { return self.drift(at: frames, centres: centres, drift: drift) }
        let (knots, values) = increasingKnots(centres, drift)
        // Merged knots lose their separate weights: weigh them all alike then.
        let w = knots.count == centres.count ? weights : nil
        let splines = (0..<3).map { k in
            SmoothingSpline(knots: knots, values: values.map { $0[k] }, weights: w, smoothing: smoothing)
        }
        return frames.map { f in
            let t = Double(f)
            return SIMD3(splines[0](t), splines[1](t), splines[2](t))
        }
    }
}
