import CLAPACK

/// A natural cubic smoothing spline through noisy points (t, y): knots `t` in frames, values `y` in nm.
///
/// Between the first and last knot it is the function f that minimises
///
///     sum_i w_i (y_i - f(t_i))^2 + lambda * integral f''(t)^2 dt
///
/// (Reinsch 1967; Green & Silverman 1994, section 2.3); outside them it is held constant at its own end
/// values f(t_first), f(t_last). f is a natural cubic spline with a knot at every t_i; its second
/// derivatives gamma at the interior knots solve the symmetric positive definite pentadiagonal system
/// (R + lambda Q^T W^-1 Q) gamma = Q^T y (LAPACK banded Cholesky, dpbtrf and dpbtrs), and its values at the knots
/// are g = y - lambda W^-1 Q gamma.
///
/// `smoothing` is dimensionless: lambda = smoothing * hbar^3, with hbar the mean knot spacing in frames
/// (last knot - first knot) / (n - 1), and the weights are used relative to their mean (only relative
/// weights matter), so the same `smoothing` means the same thing whatever the frame units, segment
/// length or weight units. For roughly evenly spaced knots the spline acts like a kernel smoother of
/// half-width about smoothing^(1/4) knot spacings (Silverman 1984): 0 interpolates (exactly the natural
/// cubic spline of `CubicSpline`), 1 smooths over about one spacing, 16 about two, 10^4 about ten, and
/// very large values tend to the weighted least-squares straight line.
public struct SmoothingSpline: Sendable {
    /// Knots (frames), strictly increasing.
    public let knots: [Double]
    /// The spline's values at the knots (nm); equal to the input values when `smoothing` is 0.
    public let fittedValues: [Double]
    /// The dimensionless smoothing parameter given to `init`.
    public let smoothing: Double
    /// The roughness penalty actually used, lambda = smoothing * hbar^3 (frames^3, per unit mean weight).
    public let lambda: Double
    /// Second derivatives at the knots (nm / frame^2), zero at both ends.
    private let secondDerivatives: [Double]

    /// - Parameters:
    ///   - knots: frames, strictly increasing (at least one).
    ///   - values: nm, one per knot.
    ///   - weights: positive, one per knot (e.g. 1 / variance of each value); nil = all 1. Only their
    ///     ratios matter (they are divided by their mean).
    ///   - smoothing: dimensionless, >= 0; lambda = smoothing * (mean knot spacing)^3. 0 interpolates.
    public init(knots: [Double], values: [Double], weights: [Double]? = nil, smoothing: Double) {
        let n = knots.count
        precondition(n > 0 && values.count == n, "one value per knot, at least one knot")
        let (w, lambda) = Self.checked(knots: knots, weights: weights, smoothing: smoothing)
        self.knots = knots
        self.smoothing = smoothing
        self.lambda = lambda

        // One or two knots: no curvature is possible, so the spline interpolates (constant / line).
        guard n > 2 else {
            fittedValues = values
            secondDerivatives = [Double](repeating: 0, count: n)
            return
        }

        let system = System(knots: knots, weights: w, lambda: lambda)
        let gamma = system.secondDerivatives(values)
        fittedValues = system.fitted(values, gamma)
        secondDerivatives = [0] + gamma + [0]
    }

    /// The fitted values at the knots of the smoothing splines through each of `valueSets` (one value
    /// per knot each) with the same knots, weights and smoothing: each as
    /// `SmoothingSpline(knots:values:weights:smoothing:).fittedValues`, bit for bit, with the system
    /// factored once for all of them (dpbsv is dpbtrf then dpbtrs).
    public static func fittedValues(knots: [Double], valueSets: [[Double]], weights: [Double]? = nil,
                                    smoothing: Double) -> [[Double]] {
        let n = knots.count
        guard n > 2 else {
            return valueSets.map { SmoothingSpline(knots: knots, values: $0, weights: weights, smoothing: smoothing).fittedValues }
        }
        let (w, lambda) = checked(knots: knots, weights: weights, smoothing: smoothing)
        let system = System(knots: knots, weights: w, lambda: lambda)
        return valueSets.map { v in
            precondition(v.count == n, "one value per knot, at least one knot")
            return system.fitted(v, system.secondDerivatives(v))
        }
    }

    /// The weights over their mean (all 1 where nil) and lambda = smoothing * hbar^3, after checking
    /// the knots (at least one, strictly increasing), weights and smoothing.
    private static func checked(knots: [Double], weights: [Double]?, smoothing: Double) -> (w: [Double], lambda: Double) {
        let n = knots.count
        precondition(smoothing >= 0 && smoothing.isFinite, "smoothing must be finite and >= 0")
        for i in 1..<max(n, 1) { precondition(knots[i] > knots[i - 1], "knots must be strictly increasing") }
        var w = weights ?? [Double](repeating: 1, count: n)
        precondition(w.count == n, "one weight per knot")
        precondition(w.allSatisfy { $0 > 0 && $0.isFinite }, "weights must be finite and > 0")
        let meanWeight = w.reduce(0, +) / Double(n)
        w = w.map { $0 / meanWeight }
        let hbar = n > 1 ? (knots[n - 1] - knots[0]) / Double(n - 1) : 0
        return (w, smoothing * hbar * hbar * hbar)
    }

    /// The spline's system for n > 2 knots: m = n - 2 unknowns gamma (the second derivatives at knots
    /// 1 ... n-2), the matrix A = R + lambda Q^T W^-1 Q factored (LAPACK banded Cholesky, dpbtrf).
    private struct System {
        let n: Int, m: Int
        let h: [Double]
        /// 1 / h, as `q` uses it.
        let inverseH: [Double]
        let w: [Double]
        let lambda: Double
        /// The Cholesky factor of A in LAPACK lower band storage (column major, ldab = 3).
        let factor: [Double]

        init(knots: [Double], weights w: [Double], lambda: Double) {
            n = knots.count
            m = n - 2
            self.w = w
            self.lambda = lambda
            let h = (0..<(n - 1)).map { knots[$0 + 1] - knots[$0] }
            self.h = h
            inverseH = h.map { 1 / $0 }
            let m = m, n = n
            // A in LAPACK lower band storage: band[d + 3 j] = A[j + d, j] for d = 0, 1, 2.
            var band = [Double](repeating: 0, count: 3 * m)
            for j in 0..<m {
                let k = j + 1
                band[3 * j] = (h[k - 1] + h[k]) / 3               // R diagonal
                if j + 1 < m { band[3 * j + 1] = h[k] / 6 }       // R off-diagonal
            }
            if lambda > 0 {
                // Row i of Q is non-zero in columns i-2, i-1, i (those within 0..<m).
                for i in 0..<n {
                    let d = lambda / w[i]
                    let cols = max(i - 2, 0)...min(i, m - 1)  // never empty: i <= n - 1 = m + 1
                    for j in cols {
                        let qj = Self.q(h, i, j)
                        for l in j...cols.upperBound where l - j <= 2 {
                            band[3 * j + (l - j)] += d * qj * Self.q(h, i, l)
                        }
                    }
                }
            }
            let info = LAPACKE_dpbtrf(LAPACK_COL_MAJOR, Int8(UInt8(ascii: "L")), Int32(m), 2, &band, 3)
            precondition(info == 0, "smoothing spline system not positive definite (LAPACK dpbtrf info \(info))")
            factor = band
        }

        /// Q (n x m): column j (knot k = j + 1) has 1/h[k-1], -1/h[k-1] - 1/h[k], 1/h[k] in rows k-1, k, k+1.
        static func q(_ h: [Double], _ row: Int, _ j: Int) -> Double {
            let k = j + 1
            switch row - k {
            case -1: return 1 / h[k - 1]
            case 0: return -1 / h[k - 1] - 1 / h[k]
            case 1: return 1 / h[k]
            default: return 0
            }
        }

        /// gamma for `values`: A gamma = Q^T y (dpbtrs with the factor).
        func secondDerivatives(_ values: [Double]) -> [Double] {
            // Q^T y, written as differences of slopes.
            var gamma = (0..<m).map { j -> Double in
                let k = j + 1
                return (values[k + 1] - values[k]) / h[k] - (values[k] - values[k - 1]) / h[k - 1]
            }
            // The _work variant: LAPACKE's other one first scans the factor and gamma for NaNs, every
            // solve (the selection makes hundreds a pass); the factor came from dpbtrf.
            let info = LAPACKE_dpbtrs_work(LAPACK_COL_MAJOR, Int8(UInt8(ascii: "L")), Int32(m), 2, 1, factor, 3, &gamma, Int32(m))
            precondition(info == 0, "smoothing spline solve failed (LAPACK dpbtrs info \(info))")
            return gamma
        }

        /// The values at the knots, g = y - lambda W^-1 Q gamma.
        func fitted(_ values: [Double], _ gamma: [Double]) -> [Double] {
            guard lambda > 0 else { return values }
            let m = m, lambda = lambda
            // Row i of Q gamma: Q[i, j] gamma[j] for j = i - 2, i - 1, i (those in 0 ..< m), in that
            // order, Q's entries from 1 / h (`q`, without a division each).
            return [Double](unsafeUninitializedCapacity: n) { out, count in
                inverseH.withUnsafeBufferPointer { inv in
                    gamma.withUnsafeBufferPointer { g in
                        for i in 0..<n {
                            var qGamma = 0.0
                            if i >= 2 { qGamma += inv[i - 1] * g[i - 2] }
                            if i >= 1 && i - 1 < m { qGamma += (-inv[i - 1] - inv[i]) * g[i - 1] }
                            if i < m { qGamma += inv[i] * g[i] }
                            out[i] = values[i] - lambda / w[i] * qGamma
                        }
                    }
                }
                count = n
            }
        }
    }

    /// The spline's value (nm) at frame t, held at the spline's end values outside the knots.
    public func callAsFunction(_ t: Double) -> Double {
        CubicSpline.evaluate(knots: knots, values: fittedValues, secondDerivatives: secondDerivatives, at: t)
    }

    /// The spline's values (nm) at each of the frames `ts` (as at each alone, bit for bit).
    public func callAsFunction(_ ts: [Double]) -> [Double] {
        CubicSpline.evaluate(knots: knots, values: fittedValues, secondDerivatives: secondDerivatives, at: ts)
    }
}
