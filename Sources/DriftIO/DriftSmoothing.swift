import DriftCore
import Foundation

/// A smoothing spline through a result's segment drifts, evaluated at every frame of the result
/// (`driftmpi drift smooth`).
///
/// The knots are the segments with a finite drift (`/segments/centre_frame`, `/segments/drift`).
/// They are weighted by 1 / (sigma_x^2 + sigma_y^2 + sigma_z^2) from `/segments/sigma` when every
/// knot has a finite sigma (a knot with sigma 0, the reference segment, takes its nearest
/// neighbour's weight), and equally otherwise. Order 3 is the natural cubic smoothing spline
/// (`SmoothingSpline`, the one `estimate --smoothing` uses; smoothing 0 interpolates); order 1 joins
/// the smoothing spline's values at the knots with straight lines. Both are held constant before
/// the first and after the last knot, and the curve is then shifted to be 0 at the first frame (the
/// sign convention). The input's `/refinement` correction is not used, and not copied.
public enum DriftSmoothing {
    /// Weights for the knots `knots` (indices into the segments), or nil for equal weights.
    public static func weights(_ r: DriftResult, knots: [Int]) -> [Double]? {
        guard r.segmentSigma.count == r.segmentCentreFrame.count else { return nil }
        let variance = knots.map { k -> Double in let s = r.segmentSigma[k]; return (s * s).sum() }
        guard variance.allSatisfy({ $0.isFinite && $0 >= 0 }), variance.contains(where: { $0 > 0 }) else { return nil }
        return variance.indices.map { i in
            if variance[i] > 0 { return 1 / variance[i] }
            // The nearest knot with a positive variance (the earlier one on a tie).
            for d in 1..<variance.count {
                if i - d >= 0, variance[i - d] > 0 { return 1 / variance[i - d] }
                if i + d < variance.count, variance[i + d] > 0 { return 1 / variance[i + d] }
            }
            return 1
        }
    }

    /// The smoothed drift at every frame of `r` (already shifted to 0 at the first frame), and
    /// whether the knots were weighted by their uncertainties.
    public static func drift(_ r: DriftResult, path: String, smoothing: Double, order: Int) throws -> (drift: [SIMD3<Double>], weighted: Bool) {
        guard order == 1 || order == 3 else { throw HDF5Error(path, "order \(order) is not available (1 or 3)") }
        guard smoothing >= 0, smoothing.isFinite else { throw HDF5Error(path, "smoothing must be finite and >= 0") }
        guard !r.frames.isEmpty else { throw HDF5Error(path, "no frames in /drift/frame") }
        guard !r.segmentCentreFrame.isEmpty, r.segmentDrift.count == r.segmentCentreFrame.count else {
            throw HDF5Error(path, "no segments (/segments/centre_frame, /segments/drift) to smooth through")
        }
        let knots = r.segmentCentreFrame.indices.filter {
            r.segmentCentreFrame[$0].isFinite && r.segmentDrift[$0].x.isFinite && r.segmentDrift[$0].y.isFinite && r.segmentDrift[$0].z.isFinite
        }
        guard !knots.isEmpty else { throw HDF5Error(path, "no segment has a finite drift to smooth through") }
        let centres = knots.map { r.segmentCentreFrame[$0] }, values = knots.map { r.segmentDrift[$0] }
        let w = weights(r, knots: knots)
        let frames = r.frames.map { Int($0) }
        var out: [SIMD3<Double>]
        if order == 3 {
            out = DriftInterpolation.drift(at: frames, centres: centres, drift: values, smoothing: smoothing, weights: w)
        } else {
            out = linear(at: frames, centres: centres, drift: values, weights: w, smoothing: smoothing)
        }
        let anchor = out[0]
        out = out.map { $0 - anchor }
        return (out, w != nil)
    }

    /// Straight lines through the smoothing spline's values at the knots (held beyond the ends).
    /// Runs of equal (or out-of-order) centres are merged into their mean, with the sum of their weights.
    static func linear(at frames: [Int], centres: [Double], drift: [SIMD3<Double>], weights: [Double]?, smoothing: Double) -> [SIMD3<Double>] {
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
            var lo = 0, hi = c.count - 1
            while hi - lo > 1 {
                let mid = (lo + hi) / 2
                if c[mid] <= t { lo = mid } else { hi = mid }
            }
            let u = (t - c[lo]) / (c[hi] - c[lo])
            return knotValues[lo] + u * (knotValues[hi] - knotValues[lo])
        }
    }

    /// The smoothed result file's contents: the input's frames, segments and pairs, `/drift` replaced,
    /// no refinement, and attributes for the smoothing and the source.
    public static func smoothed(_ source: DriftResult, path: String, smoothing: Double, order: Int,
                                created: String = DriftFile.now()) throws -> DriftResult {
        let (drift, weighted) = try self.drift(source, path: path, smoothing: smoothing, order: order)
        var r = source
        r.drift = drift
        r.fineCentreFrame = []
        r.fineCorrection = []
        var a: [String: AttributeValue] = [
            "command": .string("smooth"),
            "created": .string(created),
            "driftmpi_version": .string(DriftmpiVersion.string),
            "drift_sign": .string(DriftFile.driftSign),
            "source": .string(DriftFile.absolutePath(path)),
            "smoothing": .double(smoothing),
            "order": .int(Int64(order)),
            "weights": .string(weighted ? "1 / (sigma_x^2 + sigma_y^2 + sigma_z^2) from /segments/sigma" : "equal"),
            "interpolation": .string(order == 3
                ? "cubic smoothing spline through the segment drifts (smoothing 0: interpolating), held beyond the ends, 0 at the first frame"
                : "straight lines through the cubic smoothing spline's values at the segment centres, held beyond the ends, 0 at the first frame"),
            "source_refinement_ignored": .int(source.fineCorrection.isEmpty ? 0 : 1),
        ]
        for name in ["driftmpi_version", "command", "method", "input"] {
            if let v = source.attributes[name] { a["source_\(name)"] = v }
        }
        // The frames and axes are the input's: keep how it numbers them and its dimensionality.
        for name in ["frame_base", "first_frame", "dims", "unit", "voxel_size_nm"] {
            if let v = source.attributes[name] { a[name] = v }
        }
        r.attributes = a
        // A drift in pixels (image stacks) is given in nm too when the voxel size is known.
        r.driftNm = []
        if r.unit == "px", case .string(let text)? = source.attributes["voxel_size_nm"] {
            let v = text.split(separator: ",").compactMap { Double($0) }
            if v.count == 3 { r.driftNm = drift.map { $0 * SIMD3(v[0], v[1], v[2]) } }
        }
        return r
    }
}
