/// A smoothing spline through segment drifts, evaluated at frames (the algorithm of
/// `driftmpi drift smooth`; DriftIO's `DriftSmoothing` reads and writes the files).
///
/// The knots are the segments with a finite centre and drift, weighted by
/// 1 / (sigma_x^2 + sigma_y^2 + sigma_z^2) when every knot has a finite sigma (a knot with sigma 0,
/// the reference segment, takes its nearest neighbour's weight), and equally otherwise. Order 3 is the
/// natural cubic smoothing spline (`SmoothingSpline`, the one `estimate --smoothing` uses; smoothing 0
/// interpolates); order 1 joins the smoothing spline's values at the knots with straight lines. Both
/// are held constant before the first and after the last knot, and the curve is then shifted to be 0
/// at the first frame (the sign convention). Frames, centres: frame numbers; drifts and sigmas in the
/// caller's unit (nm, or pixels for image stacks).
public enum SegmentSmoothing {
    /// The segments usable as knots: those whose centre and drift are finite, in order.
    public static func knots(centres: [Double], drift: [SIMD3<Double>]) -> [Int] {
        centres.indices.filter {
            centres[$0].isFinite && drift[$0].x.isFinite && drift[$0].y.isFinite && drift[$0].z.isFinite
        }
    }

    /// Weights for knots of uncertainties `sigmas` (one per knot), or nil for equal weights: nil unless
    /// every variance is finite and >= 0 and one is positive; a knot of variance 0 takes the weight of
    /// the nearest knot with a positive variance (the earlier one on a tie).
    public static func weights(sigmas: [SIMD3<Double>]) -> [Double]? {
        let variance = sigmas.map { s -> Double in (s * s).sum() }
        guard variance.allSatisfy({ $0.isFinite && $0 >= 0 }), variance.contains(where: { $0 > 0 }) else { return nil }
        return variance.indices.map { i in
            if variance[i] > 0 { return 1 / variance[i] }
            for d in 1..<variance.count {
                if i - d >= 0, variance[i - d] > 0 { return 1 / variance[i - d] }
                if i + d < variance.count, variance[i + d] > 0 { return 1 / variance[i + d] }
            }
            return 1
        }
    }

    /// The smoothed drift at each of `frames` (not empty), shifted to 0 at `frames[0]`, through knots
    /// (`centres`, `drift`) of `weights` (nil: equal). `smoothing` (finite, >= 0) as for `SmoothingSpline`.
    public static func drift(at frames: [Int], centres: [Double], drift: [SIMD3<Double>], weights: [Double]?,
                             smoothing: Double, order: SmoothingOrder) -> [SIMD3<Double>] {
        var out: [SIMD3<Double>]
        switch order {
        case .cubic:
            out = DriftInterpolation.drift(at: frames, centres: centres, drift: drift, smoothing: smoothing, weights: weights)
        case .linear:
            out = linear(at: frames, centres: centres, drift: drift, weights: weights, smoothing: smoothing)
        }
        let anchor = out[0]
        out = out.map { $0 - anchor }
        return out
    }

    /// Straight lines through the smoothing spline's values at the knots (held beyond the ends).
    /// Runs of equal (or out-of-order) centres are merged into their mean, with the sum of their weights.
    public static func linear(at frames: [Int], centres: [Double], drift: [SIMD3<Double>], weights: [Double]?,
                              smoothing: Double) -> [SIMD3<Double>] {
        var c: [Double] = [], v: [SIMD3<Double>] = [], n: [Double] = [], w: [Double] = []
        for (k, (t, d)) in zip(centres, drift).enumerated() {
            let wk = weights?[k] ?? 1
            if let last = c.last, t <= last {
                let j = c.count - 1
                v[j] = (v[j] * n[j] + d) / (n[j] + 1)
                n[j] += 1
                w[j] += wk
            } else {
                c.append(t); v.append(d); n.append(1); w.append(wk)
            }
        }
        let fitted = (0..<3).map { axis in
            SmoothingSpline(knots: c, values: v.map { $0[axis] }, weights: w, smoothing: smoothing).fittedValues
        }
        let knotValues = c.indices.map { SIMD3(fitted[0][$0], fitted[1][$0], fitted[2][$0]) }
        return frames.map { f in
            let t = Double(f)
            if t <= c[0] { return knotValues[0] }
            if t >= c[c.count - 1] { return knotValues[c.count - 1] }
            // c[0] < t < c[last], c strictly increasing: c[lo] <= t < c[hi].
            let hi = c.partitioningIndex { $0 > t }, lo = hi - 1
            let u = (t - c[lo]) / (c[hi] - c[lo])
            return knotValues[lo] + u * (knotValues[hi] - knotValues[lo])
        }
    }
}
