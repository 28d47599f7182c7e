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

    /// The spline's values at each of `ts` (as `callAsFunction(_:)` at each, bit for bit).
    public func callAsFunction(_ ts: [Double]) -> [Double] {
        CubicSpline.evaluate(knots: knots, values: values, secondDerivatives: secondDerivatives, at: ts)
    }

    /// `evaluate(knots:values:secondDerivatives:at:)` at each of `ts`: the bracketing knots are found
    /// by moving on from the last ones while `ts` ascend (frames in order), by bisection otherwise.
    static func evaluate(knots: [Double], values: [Double], secondDerivatives: [Double], at ts: [Double]) -> [Double] {
        let n = knots.count
        precondition(values.count == n && secondDerivatives.count == n)
        return [Double](unsafeUninitializedCapacity: ts.count) { out, count in
            knots.withUnsafeBufferPointer { knots in
                values.withUnsafeBufferPointer { values in
                    secondDerivatives.withUnsafeBufferPointer { m in
                        ts.withUnsafeBufferPointer { ts in
                            var hi = 1
                            for (i, t) in ts.enumerated() {
                                let v: Double
                                if n == 1 || t <= knots[0] { v = values[0] }
                                else if t >= knots[n - 1] { v = values[n - 1] }
                                else if t.isNaN { v = t }
                                else {
                                    // knots[0] < t < knots[n - 1]: hi is the first knot above t.
                                    if hi < 1 || hi >= n || knots[hi - 1] > t { hi = knots.partitioningIndex { $0 > t } }
                                    while knots[hi] <= t { hi += 1 }
                                    v = between(knots: knots, values: values, secondDerivatives: m, hi: hi, at: t)
                                }
                                (out.baseAddress! + i).initialize(to: v)
                            }
                        }
                    }
                }
            }
            count = ts.count
        }
    }

    /// The spline at t between knots hi - 1 and hi (knots[hi - 1] <= t < knots[hi]).
    @inline(__always) private static func between(knots: UnsafeBufferPointer<Double>, values: UnsafeBufferPointer<Double>,
                                                  secondDerivatives: UnsafeBufferPointer<Double>,
                                                  hi: Int, at t: Double) -> Double {
        let lo = hi - 1
        let h = knots[hi] - knots[lo]
        let a = (knots[hi] - t) / h, b = (t - knots[lo]) / h
        let m0 = secondDerivatives[lo], m1 = secondDerivatives[hi]
        return a * values[lo] + b * values[hi] + ((a * a * a - a) * m0 + (b * b * b - b) * m1) * h * h / 6
    }

    /// A cubic spline given by its knot values and second derivatives, at t; held at the end values
    /// outside the knots.
    static func evaluate(knots: [Double], values: [Double], secondDerivatives: [Double], at t: Double) -> Double {
        let n = knots.count
        if n == 1 || t <= knots[0] { return values[0] }
        if t >= knots[n - 1] { return values[n - 1] }
        if t.isNaN { return t }
        // knots[0] < t < knots[n - 1]: the knots hi - 1 and hi bracket t.
        let hi = knots.partitioningIndex { $0 > t }
        return knots.withUnsafeBufferPointer { k in
            values.withUnsafeBufferPointer { v in
                secondDerivatives.withUnsafeBufferPointer { m in between(knots: k, values: v, secondDerivatives: m, hi: hi, at: t) }
            }
        }
    }
}
