import DriftCore
import Foundation

/// `driftmpi drift smooth`: a result file's segment drifts smoothed (`SegmentSmoothing`, DriftCore)
/// and evaluated at every frame of the result.
///
/// The knots are the segments with a finite drift (`/segments/centre_frame`, `/segments/drift`),
/// weighted from `/segments/sigma` when every knot has a finite sigma (see `SegmentSmoothing`). Order 3
/// is the natural cubic smoothing spline, order 1 straight lines through its values at the knots; the
/// curve is 0 at the first frame. The input's `/refinement` correction is not used, and not copied.
public enum DriftSmoothing {
    /// Weights for the knots `knots` (indices into the segments), or nil for equal weights
    /// (`SegmentSmoothing.weights`; nil too when `/segments/sigma` does not have a row per segment).
    public static func weights(_ r: DriftResult, knots: [Int]) -> [Double]? {
        guard r.segmentSigma.count == r.segmentCentreFrame.count else { return nil }
        return SegmentSmoothing.weights(sigmas: knots.map { r.segmentSigma[$0] })
    }

    /// The smoothed drift at every frame of `r` (already shifted to 0 at the first frame), and
    /// whether the knots were weighted by their uncertainties. Errors name `path`.
    public static func drift(_ r: DriftResult, path: String, smoothing: Double, order curve: SmoothingOrder) throws -> (drift: [SIMD3<Double>], weighted: Bool) {
        guard smoothing >= 0, smoothing.isFinite else { throw OptionError("--smoothing must be 0 or positive") }
        guard !r.frames.isEmpty else { throw FileFormatError(path, "no frames in /drift/frame") }
        guard !r.segmentCentreFrame.isEmpty, r.segmentDrift.count == r.segmentCentreFrame.count else {
            throw FileFormatError(path, "no segments (/segments/centre_frame, /segments/drift) to smooth through")
        }
        let knots = SegmentSmoothing.knots(centres: r.segmentCentreFrame, drift: r.segmentDrift)
        guard !knots.isEmpty else { throw FileFormatError(path, "no segment has a finite drift to smooth through") }
        let centres = knots.map { r.segmentCentreFrame[$0] }, values = knots.map { r.segmentDrift[$0] }
        let w = weights(r, knots: knots)
        let out = SegmentSmoothing.drift(at: r.frames.map { Int($0) }, centres: centres, drift: values, weights: w,
                                         smoothing: smoothing, order: curve)
        return (out, w != nil)
    }

    /// The smoothed result file's contents: the input's frames, segments and pairs, `/drift` replaced,
    /// no refinement, and attributes for the smoothing and the source.
    public static func smoothed(_ source: DriftResult, path: String, smoothing: Double, order: SmoothingOrder,
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
            "order": .int(Int64(order.rawValue)),
            "weights": .string(weighted ? "1 / (sigma_x^2 + sigma_y^2 + sigma_z^2) from /segments/sigma" : "equal"),
            "interpolation": .string(order == .cubic
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
        if r.lengthUnit == .px, case .string(let text)? = source.attributes["voxel_size_nm"] {
            let v = text.split(separator: ",").compactMap { Double($0) }
            if v.count == 3 { r.driftNm = drift.map { $0 * SIMD3(v[0], v[1], v[2]) } }
        }
        return r
    }
}
