import Foundation

/// How a result file's root attributes are sorted into a report's sections: the input, provenance,
/// figures, timings (`timing_<phase>_s`), per-rank lists (`rank_*`) and parameter groups, and how an
/// attribute becomes JSON.
enum ReportAttributes {
    /// Attributes describing the input, in report order, and their JSON keys.
    static let inputKeys: [(attribute: String, key: String)] = [
        ("input", "path"), ("input_format", "format"), ("input_rows", "rows"), ("source", "source"),
        ("source_format", "source_format"), ("sources", "sources"), ("frames", "frames"), ("first_frame", "first_frame"),
        ("frame_base", "frame_base"), ("pixel_size_nm", "pixel_size_nm"), ("field_origin_nm", "field_origin_nm"),
        ("field_size_nm", "field_size_nm"), ("image_size_px", "image_size_px"), ("voxel_size_nm", "voxel_size_nm"),
        ("binned_voxel_size_nm", "binned_voxel_size_nm"),
    ]
    static let provenanceKeys = ["driftmpi_version", "created", "command", "ranks"]
    static let figureKeys: Set<String> = [
        "unit", "segments", "pairs", "pairs_used", "rms_residual_nm", "rms_residual_px", "sparse_segments",
        "refine_segments", "refine_passes", "refine_last_update_nm", "truth",
        "rmse_vs_truth_x_nm", "rmse_vs_truth_y_nm", "rmse_vs_truth_z_nm", "peak_resident_mib_max",
        "expected_error_x_nm", "expected_error_y_nm", "expected_error_z_nm", "accuracy_half_rows",
    ]
    /// Parameter groups in report order, with their members in order; other names go to the group
    /// their prefix names, or to `other`, in natural order.
    static let parameterGroups: [(name: String, members: [String])] = [
        ("segmentation", ["segmentation", "segment_frames", "segment_step", "segment_locs", "min_segment_locs"]),
        ("correlation", ["method", "dims", "window", "bin_nm", "bin_z_nm", "tukey_alpha", "max_drift_nm", "max_drift_px",
                         "min_peak_quality", "correlation_smoothing_bins"]),
        ("image preparation", ["bin_x", "bin_y", "bin_t", "clip_low", "clip_high", "clip_fill", "median"]),
        ("solve", ["max_residual_nm", "max_residual_px"]),
        ("curve", ["smoothing", "order", "weights", "interpolation", "combination", "drift_sign"]),
        ("refinement", ["refine", "refine_min_localisations", "refine_min_frames", "refine_sigmas_nm", "refine_convergence_nm"]),
        ("accuracy", ["accuracy", "accuracy_cell_nm", "accuracy_max_passes"]),
        ("sources", ["source_count", "points", "frames_option", "source_refinement_ignored"]),
        ("other", []),
    ]
    /// String attributes whose text is a number or a comma-separated list of numbers.
    static let numericStrings: Set<String> = [
        "window", "clip_low", "clip_high", "clip_fill", "refine_sigmas_nm", "field_origin_nm", "field_size_nm",
        "image_size_px", "voxel_size_nm", "binned_voxel_size_nm", "accuracy_half_rows",
    ]

    static func isTiming(_ name: String) -> Bool { name.hasPrefix("timing_") && name.hasSuffix("_s") && name.count > 9 }
    static func isRankList(_ name: String) -> Bool { name.hasPrefix("rank_") }

    static func groupOf(_ name: String) -> String {
        for g in parameterGroups where g.members.contains(name) { return g.name }
        if name.hasPrefix("source_") { return "sources" }
        if name.hasPrefix("refine_") { return "refinement" }
        if name.hasPrefix("accuracy_") { return "accuracy" }
        if name.hasPrefix("clip_") || name.hasPrefix("bin_") { return name == "bin_nm" || name == "bin_z_nm" ? "correlation" : "image preparation" }
        return "other"
    }

    /// `a` before `b` with runs of digits compared as numbers (`source_2` before `source_10`).
    static func naturalOrder(_ a: String, _ b: String) -> Bool {
        func parts(_ s: String) -> [(String, Int?)] {
            var out: [(String, Int?)] = [], current = "", digits = false
            for ch in s {
                let isDigit = ch.isASCII && ch.isNumber
                if !current.isEmpty && isDigit != digits { out.append((current, digits ? Int(current) : nil)); current = "" }
                current.append(ch)
                digits = isDigit
            }
            if !current.isEmpty { out.append((current, digits ? Int(current) : nil)) }
            return out
        }
        let pa = parts(a), pb = parts(b)
        for (x, y) in zip(pa, pb) where x.0 != y.0 {
            if let i = x.1, let j = y.1, i != j { return i < j }
            return x.0 < y.0
        }
        return pa.count < pb.count
    }

    /// An attribute as JSON: numbers as numbers, comma-separated numeric lists as arrays, paths
    /// separated by newlines (`sources`) as arrays of strings.
    static func json(_ value: AttributeValue, name: String) -> JSONValue {
        switch value {
        case .int(let i): return .int(i)
        case .double(let d): return .number(d)
        case .string(let s):
            if name == "sources" { return .array(s.split(separator: "\n").map { .string(String($0)) }) }
            guard numericStrings.contains(name) || isRankList(name) else { return .string(s) }
            let items = s.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            let numbers = items.map { Double($0) }
            guard !items.isEmpty, numbers.allSatisfy({ $0 != nil }) else { return .string(s) }
            let values: [JSONValue] = zip(items, numbers).map { text, d in
                if let i = Int64(text) { return .int(i) }
                return .number(d!)
            }
            return s.contains(",") ? .array(values) : values[0]
        }
    }
}
