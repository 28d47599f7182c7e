import DriftCore
import Foundation

/// A JSON value, written with sorted keys. Numbers stay numbers; NaN and infinities (unknown, no
/// limit) are written as `null`, which JSON has in their place.
public enum JSONValue: Encodable, Equatable, Sendable {
    case null
    case bool(Bool)
    case int(Int64)
    case double(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    public static func number(_ d: Double) -> JSONValue { d.isFinite ? .double(d) : .null }
    public static func number(_ i: Int) -> JSONValue { .int(Int64(i)) }
    public static func numbers(_ v: SIMD3<Double>) -> JSONValue { .array([number(v.x), number(v.y), number(v.z)]) }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        switch self {
        case .null: try c.encodeNil()
        case .bool(let b): try c.encode(b)
        case .int(let i): try c.encode(i)
        case .double(let d): if d.isFinite { try c.encode(d) } else { try c.encodeNil() }
        case .string(let s): try c.encode(s)
        case .array(let a): try c.encode(a)
        case .object(let o): try c.encode(o)
        }
    }

    /// The value as JSON text: indented, keys sorted, no trailing newline.
    public var text: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        // Every case encodes; an error here would be a bug in `encode(to:)`.
        guard let data = try? encoder.encode(self) else { return "null" }
        return String(decoding: data, as: UTF8.self)
    }

    /// The value of `key` when this is an object.
    public subscript(key: String) -> JSONValue? {
        if case .object(let o) = self { return o[key] }
        return nil
    }
}

/// What a result file holds, for `driftmpi inspect` and the `--summary` files of `estimate` and
/// `apply`: input, provenance, parameters (every other root attribute, grouped), drift range,
/// residuals, timings and per-rank usage. Built from whatever the file records: results of
/// `estimate` (localisations in nm, image stacks in px) and files of `driftmpi drift` (fewer
/// attributes) alike; what is missing is left out.
public struct ResultReport: Sendable {
    /// The file, as an absolute path.
    public var path: String
    public var attributes: [String: AttributeValue]
    /// Unit of `/drift/xyz`: `nm`, or `px` for image stacks.
    public var unit: String
    /// Rows of `/drift/frame` and its first and last frame.
    public var frameCount: Int
    public var firstFrame: Int64?
    public var lastFrame: Int64?
    /// Smallest and largest drift per axis over `/drift/xyz` (in `unit`), and over `/drift/xyz_nm`.
    public var driftMin: SIMD3<Double>?
    public var driftMax: SIMD3<Double>?
    public var driftNmMin: SIMD3<Double>?
    public var driftNmMax: SIMD3<Double>?
    /// Rows of `/segments`, `/pairs` (and how many have `used` = 1) and `/refinement`.
    public var segmentRows: Int
    public var pairRows: Int
    public var usedPairRows: Int
    public var refinementRows: Int

    /// One rank's row of the usage table (from the `rank_*` attributes; nil where not recorded).
    public struct RankRow: Equatable, Sendable {
        public var rank: Int
        public var pairs: Int?
        public var bytesSent: Int64?
        public var cpuSeconds: Double?
        public var peakMiB: Double?
        public init(rank: Int, pairs: Int? = nil, bytesSent: Int64? = nil, cpuSeconds: Double? = nil, peakMiB: Double? = nil) {
            self.rank = rank
            self.pairs = pairs
            self.bytesSent = bytesSent
            self.cpuSeconds = cpuSeconds
            self.peakMiB = peakMiB
        }
    }

    public init(result r: DriftResult, path: String) {
        self.path = DriftFile.absolutePath(path)
        attributes = r.attributes
        unit = r.unit
        frameCount = r.frames.count
        firstFrame = r.frames.first
        lastFrame = r.frames.last
        (driftMin, driftMax) = Self.range(r.drift)
        (driftNmMin, driftNmMax) = Self.range(r.driftNm)
        segmentRows = r.segmentCentreFrame.count
        pairRows = r.pairI.count
        usedPairRows = r.pairUsed.filter { $0 != 0 }.count
        refinementRows = r.fineCentreFrame.count
    }

    /// Reads the result file at `path` (errors name it).
    public static func read(path: String) throws -> ResultReport {
        ResultReport(result: try DriftResult.read(path: path), path: path)
    }

    static func range(_ v: [SIMD3<Double>]) -> (SIMD3<Double>?, SIMD3<Double>?) {
        // NaN rows (segments too sparse, unknown values) are skipped axis by axis.
        var lo = SIMD3<Double>(repeating: .infinity), hi = SIMD3<Double>(repeating: -.infinity)
        for p in v {
            for k in 0..<3 where p[k].isFinite {
                lo[k] = Swift.min(lo[k], p[k])
                hi[k] = Swift.max(hi[k], p[k])
            }
        }
        guard !v.isEmpty else { return (nil, nil) }
        for k in 0..<3 where lo[k] > hi[k] { lo[k] = .nan; hi[k] = .nan }
        return (lo, hi)
    }

    // MARK: classification of the attributes

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
    ]
    /// Parameter groups in report order, with their members in order; other names go to the group
    /// their prefix names, or to `other`, in natural order.
    public static let parameterGroups: [(name: String, members: [String])] = [
        ("segmentation", ["segmentation", "segment_frames", "segment_step", "segment_locs", "min_segment_locs"]),
        ("correlation", ["method", "dims", "window", "bin_nm", "bin_z_nm", "tukey_alpha", "max_drift_nm", "max_drift_px",
                         "min_peak_quality", "correlation_smoothing_bins"]),
        ("image preparation", ["bin_x", "bin_y", "bin_t", "clip_low", "clip_high", "clip_fill", "median"]),
        ("solve", ["max_residual_nm", "max_residual_px"]),
        ("curve", ["smoothing", "order", "weights", "interpolation", "combination", "drift_sign"]),
        ("refinement", ["refine", "refine_min_localisations", "refine_min_frames", "refine_sigmas_nm", "refine_convergence_nm"]),
        ("sources", ["source_count", "points", "frames_option", "source_refinement_ignored"]),
        ("other", []),
    ]
    /// String attributes whose text is a number or a comma-separated list of numbers.
    static let numericStrings: Set<String> = [
        "window", "clip_low", "clip_high", "clip_fill", "refine_sigmas_nm", "field_origin_nm", "field_size_nm",
        "image_size_px", "voxel_size_nm", "binned_voxel_size_nm",
    ]

    static func isTiming(_ name: String) -> Bool { name.hasPrefix("timing_") && name.hasSuffix("_s") && name.count > 9 }
    static func isRankList(_ name: String) -> Bool { name.hasPrefix("rank_") }

    static func groupOf(_ name: String) -> String {
        for g in parameterGroups where g.members.contains(name) { return g.name }
        if name.hasPrefix("source_") { return "sources" }
        if name.hasPrefix("refine_") { return "refinement" }
        if name.hasPrefix("clip_") || name.hasPrefix("bin_") { return name == "bin_nm" || name == "bin_z_nm" ? "correlation" : "image preparation" }
        return "other"
    }

    /// Every attribute that is a parameter (not input, provenance, figure, timing or rank usage),
    /// grouped, in a stable order; empty groups are left out.
    public var parameterList: [(group: String, entries: [(name: String, value: AttributeValue)])] {
        let taken = Set(Self.inputKeys.map(\.attribute) + Self.provenanceKeys).union(Self.figureKeys)
        let names = attributes.keys.filter { !taken.contains($0) && !Self.isTiming($0) && !Self.isRankList($0) }
        var out: [(group: String, entries: [(name: String, value: AttributeValue)])] = []
        for g in Self.parameterGroups {
            let mine = names.filter { Self.groupOf($0) == g.name }
            let known = g.members.filter(mine.contains)
            let rest = mine.filter { !g.members.contains($0) }.sorted(by: Self.naturalOrder)
            let entries = (known + rest).map { (name: $0, value: attributes[$0]!) }
            if !entries.isEmpty { out.append((g.name, entries)) }
        }
        return out
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

    // MARK: values

    /// An attribute as JSON: numbers as numbers, comma-separated numeric lists as arrays, paths
    /// separated by newlines (`sources`) as arrays of strings.
    public static func json(_ value: AttributeValue, name: String) -> JSONValue {
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

    func int(_ name: String) -> Int64? {
        switch attributes[name] {
        case .int(let i)?: return i
        case .double(let d)? where d.isFinite && d == d.rounded(): return Int64(d)
        case .string(let s)?: return Int64(s)
        default: return nil
        }
    }

    func double(_ name: String) -> Double? {
        switch attributes[name] {
        case .int(let i)?: return Double(i)
        case .double(let d)?: return d
        case .string(let s)?: return Double(s)
        default: return nil
        }
    }

    func string(_ name: String) -> String? { attributes[name].map(\.description) }

    /// Whether the drift was measured on an image stack (pixels).
    public var isImageResult: Bool { unit == "px" || attributes["unit"] == .string("px") }

    // MARK: sections

    /// The input: path, format, rows (localisations) or time points, frames and geometry, as recorded.
    public var input: [(key: String, value: JSONValue)] {
        var out: [(key: String, value: JSONValue)] = []
        for (attribute, key) in Self.inputKeys {
            guard let v = attributes[attribute] else { continue }
            out.append((key, Self.json(v, name: attribute)))
            if attribute == "frames" && isImageResult { out.append(("time_points", Self.json(v, name: attribute))) }
        }
        return out
    }

    public var provenance: [(key: String, value: JSONValue)] {
        Self.provenanceKeys.compactMap { k in attributes[k].map { (k, Self.json($0, name: k)) } }
    }

    /// Segments, pairs (used, dropped), residual, drift range, refinement, RMSE against a truth.
    /// Counts come from the attributes where recorded, else from the tables.
    public var figures: [String: JSONValue] {
        var f: [String: JSONValue] = [
            "unit": .string(unit),
            "drift_frames": .number(frameCount),
            "segments": .int(int("segments") ?? Int64(segmentRows)),
        ]
        if let a = firstFrame { f["drift_first_frame"] = .int(a) }
        if let b = lastFrame { f["drift_last_frame"] = .int(b) }
        let pairs = int("pairs") ?? Int64(pairRows), used = int("pairs_used") ?? Int64(usedPairRows)
        f["pairs"] = .int(pairs)
        f["pairs_used"] = .int(used)
        f["pairs_dropped"] = .int(pairs - used)
        for name in ["sparse_segments", "refine_passes"] { if let v = int(name) { f[name] = .int(v) } }
        for name in ["rms_residual_nm", "rms_residual_px", "refine_last_update_nm"] { if let v = double(name) { f[name] = .number(v) } }
        if let r = int("refine_segments") ?? (refinementRows > 0 ? Int64(refinementRows) : nil) { f["refine_segments"] = .int(r) }
        func range(_ lo: SIMD3<Double>, _ hi: SIMD3<Double>, _ u: String) -> JSONValue {
            .object(["unit": .string(u), "x": .array([.number(lo.x), .number(hi.x)]),
                     "y": .array([.number(lo.y), .number(hi.y)]), "z": .array([.number(lo.z), .number(hi.z)])])
        }
        if let lo = driftMin, let hi = driftMax { f["drift_range"] = range(lo, hi, unit) }
        if let lo = driftNmMin, let hi = driftNmMax { f["drift_range_nm"] = range(lo, hi, "nm") }
        if let x = double("rmse_vs_truth_x_nm"), let y = double("rmse_vs_truth_y_nm") {
            f["rmse_vs_truth_nm"] = .object(["x": .number(x), "y": .number(y), "z": .number(double("rmse_vs_truth_z_nm") ?? 0)])
        }
        if let t = string("truth") { f["truth"] = .string(t) }
        return f
    }

    /// The phases timed (`timing_<phase>_s`, maximum over ranks), in the pipeline's order.
    public var timings: [(phase: String, seconds: Double)] {
        let order = ["read", "render", "fft", "correlate", "exchange", "peaks", "solve", "refine", "write"]
        let phases = attributes.keys.filter(Self.isTiming).map { String($0.dropFirst(7).dropLast(2)) }
        let sorted = order.filter(phases.contains) + phases.filter { !order.contains($0) }.sorted()
        return sorted.compactMap { p in double("timing_\(p)_s").map { (p, $0) } }
    }

    /// Each rank's pairs, bytes sent, CPU time and peak memory (`rank_*`, comma-separated in rank order).
    public var ranks: [RankRow] {
        func list(_ name: String) -> [String] {
            guard case .string(let s)? = attributes[name], !s.isEmpty else { return [] }
            return s.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
        }
        let pairs = list("rank_pairs"), bytes = list("rank_bytes_sent"), cpu = list("rank_cpu_s"), peak = list("rank_peak_resident_mib")
        let n = [pairs.count, bytes.count, cpu.count, peak.count].max() ?? 0
        func at(_ l: [String], _ k: Int) -> String? { k < l.count ? l[k] : nil }
        return (0..<n).map { k in
            RankRow(rank: k, pairs: at(pairs, k).flatMap { Int($0) }, bytesSent: at(bytes, k).flatMap { Int64($0) },
                    cpuSeconds: at(cpu, k).flatMap { Double($0) }, peakMiB: at(peak, k).flatMap { Double($0) })
        }
    }

    public static func json(ranks: [RankRow]) -> JSONValue {
        .array(ranks.map { r in
            var o: [String: JSONValue] = ["rank": .number(r.rank)]
            if let p = r.pairs { o["pairs"] = .number(p) }
            if let b = r.bytesSent { o["bytes_sent"] = .int(b); o["mib_sent"] = .number(Double(b) / 1048576) }
            if let c = r.cpuSeconds { o["cpu_s"] = .number((c * 1000).rounded() / 1000) }
            if let m = r.peakMiB { o["peak_mib"] = .number(m) }
            return .object(o)
        })
    }

    /// The whole report as one JSON object.
    public var json: JSONValue {
        var o: [String: JSONValue] = [
            "file": .string(path),
            "unit": .string(unit),
            "input": .object(Dictionary(input.map { ($0.key, $0.value) }, uniquingKeysWith: { a, _ in a })),
            "provenance": .object(Dictionary(provenance.map { ($0.key, $0.value) }, uniquingKeysWith: { a, _ in a })),
            "parameters": .object(parameters),
            "figures": .object(figures),
            "timings": .object(Dictionary(timings.map { ($0.phase, JSONValue.number($0.seconds)) }, uniquingKeysWith: { a, _ in a })),
            "ranks": Self.json(ranks: ranks),
        ]
        if let m = double("peak_resident_mib_max") { o["peak_resident_mib_max"] = .number(m) }
        return .object(o)
    }

    /// Every parameter attribute by name (flat; the groups are `parameterList`'s).
    public var parameters: [String: JSONValue] {
        var out: [String: JSONValue] = [:]
        for g in parameterList { for e in g.entries { out[e.name] = Self.json(e.value, name: e.name) } }
        return out
    }

    // MARK: text

    /// A number as the report prints it: whole numbers without decimals, others as Swift writes them.
    static func format(_ d: Double) -> String {
        if d.isNaN { return "nan" }
        if d.isInfinite { return d > 0 ? "inf" : "-inf" }
        if d == d.rounded() && abs(d) < 1e15 { return String(Int64(d)) }
        return String(d)
    }

    static func format(_ v: AttributeValue) -> String {
        switch v {
        case .double(let d): return format(d)
        case .int(let i): return String(i)
        case .string(let s): return s.replacingOccurrences(of: "\n", with: "\n" + String(repeating: " ", count: 32))
        }
    }

    static func format(_ v: JSONValue) -> String {
        switch v {
        case .null: return "unknown"
        case .bool(let b): return b ? "yes" : "no"
        case .int(let i): return String(i)
        case .double(let d): return format(d)
        case .string(let s): return s
        case .array(let a): return a.map(format).joined(separator: ", ")
        case .object(let o): return o.keys.sorted().map { "\($0) \(format(o[$0]!))" }.joined(separator: ", ")
        }
    }

    static func leftPadded(_ s: String, _ width: Int) -> String {
        s.count >= width ? s : String(repeating: " ", count: width - s.count) + s
    }

    static func row(_ label: String, _ value: String, indent: Int = 2, width: Int = 28) -> String {
        if value.isEmpty { return String(repeating: " ", count: indent) + label }
        return String(repeating: " ", count: indent) + label.padding(toLength: max(width, label.count), withPad: " ", startingAt: 0) + "  " + value
    }

    /// The report as lines of text.
    public var lines: [String] {
        var out = ["driftmpi result: \(path)"]
        let f = figures

        out.append("input")
        let input = self.input
        if input.isEmpty { out.append(Self.row("(not recorded)", "")) }
        for (key, value) in input {
            var text = Self.format(value)
            if key == "rows" { text += " localisations" }
            if key == "sources", case .array(let a) = value {
                text = a.map(Self.format).joined(separator: "\n" + String(repeating: " ", count: 32))
            }
            out.append(Self.row(key, text))
        }

        out.append("provenance")
        let provenance = self.provenance
        if provenance.isEmpty { out.append(Self.row("(not recorded)", "")) }
        for (key, value) in provenance { out.append(Self.row(key, Self.format(value))) }

        out.append("parameters")
        let groups = parameterList
        if groups.isEmpty { out.append(Self.row("(none recorded)", "")) }
        for g in groups {
            out.append("  " + g.group)
            for e in g.entries { out.append(Self.row(e.name, Self.format(e.value), indent: 4, width: 26)) }
        }

        out.append("drift (/drift/xyz, \(unit))")
        if let a = firstFrame, let b = lastFrame { out.append(Self.row("frames", "\(frameCount) (\(a) to \(b))")) }
        else { out.append(Self.row("frames", "0")) }
        for (k, axis) in ["x", "y", "z"].enumerated() {
            guard let lo = driftMin, let hi = driftMax else { break }
            var text = String(format: "%.3f to %.3f ", lo[k], hi[k]) + unit
            if let nlo = driftNmMin, let nhi = driftNmMax { text += String(format: " (%.2f to %.2f nm)", nlo[k], nhi[k]) }
            out.append(Self.row(axis, text))
        }

        out.append("solve")
        out.append(Self.row("segments", Self.format(f["segments"] ?? .int(0))
                            + (f["sparse_segments"].map { ", \(Self.format($0)) too sparse to correlate" } ?? "")))
        if case .int(let p)? = f["pairs"], case .int(let u)? = f["pairs_used"] {
            out.append(Self.row("pairs", p == 0 ? "none" : "\(p): \(u) used, \(p - u) dropped"))
        }
        for (key, label, u) in [("rms_residual_nm", "RMS pair residual", "nm"), ("rms_residual_px", "RMS pair residual", "px")] {
            if case .double(let d)? = f[key] { out.append(Self.row(label, String(format: "%.4f ", d) + u)) }
            if case .null? = f[key] { out.append(Self.row(label, "unknown")) }
        }
        if let r = f["refine_segments"] {
            var text = "\(Self.format(r)) segments"
            if let p = f["refine_passes"] { text += ", \(Self.format(p)) passes" }
            if case .double(let d)? = f["refine_last_update_nm"] { text += String(format: ", last update %.3f nm", d) }
            out.append(Self.row("refinement", text))
        }
        if case .object(let e)? = f["rmse_vs_truth_nm"] {
            let v = ["x", "y", "z"].map { axis -> String in
                if case .double(let d)? = e[axis] { return String(format: "%.3f", d) }
                return e[axis].map(Self.format) ?? "?"
            }
            out.append(Self.row("RMSE vs truth", "x \(v[0]), y \(v[1]), z \(v[2]) nm"))
            if let t = f["truth"] { out.append(Self.row("truth", Self.format(t))) }
        }

        let timings = self.timings
        if !timings.isEmpty {
            out.append("timings (s, maximum over ranks)")
            for t in timings { out.append(Self.row(t.phase, String(format: "%.3f", t.seconds))) }
            out.append(Self.row("sum", String(format: "%.3f", timings.reduce(0) { $0 + $1.seconds })))
        }

        let ranks = self.ranks
        let peakMax = double("peak_resident_mib_max")
        if !ranks.isEmpty || peakMax != nil {
            out.append("ranks")
            if !ranks.isEmpty {
                out.append("  rank   pairs   MiB sent    CPU s   peak MiB")
                for r in ranks {
                    func cell<T>(_ v: T?, _ f: (T) -> String) -> String { v.map(f) ?? "-" }
                    let cells = [cell(r.pairs) { String($0) }, cell(r.bytesSent) { String(format: "%.1f", Double($0) / 1048576) },
                                 cell(r.cpuSeconds) { String(format: "%.2f", $0) }, cell(r.peakMiB) { String(format: "%.0f", $0) }]
                    let widths = [7, 10, 8, 10]
                    out.append("  " + Self.leftPadded(String(r.rank), 4) + zip(cells, widths).map { " " + Self.leftPadded($0.0, $0.1) }.joined())
                }
            }
            if let m = peakMax { out.append(Self.row("peak resident memory", String(format: "%.0f MiB (largest rank)", m))) }
        }
        return out
    }

    public var text: String { lines.joined(separator: "\n") }

    // MARK: run summaries

    /// One rank's usage in a run summary.
    public struct RankUsageRow: Sendable {
        public var pairs: Int
        public var bytesSent: Int64
        public var cpuSeconds: Double
        public var peakMiB: Double
        public init(pairs: Int, bytesSent: Int64, cpuSeconds: Double, peakMiB: Double) {
            self.pairs = pairs
            self.bytesSent = bytesSent
            self.cpuSeconds = cpuSeconds
            self.peakMiB = peakMiB
        }
    }

    /// The JSON object of a `--summary` file: `command`, `driftmpi_version`, `created`, `input`,
    /// `output`, `parameters`, `figures`, `timings` (phase: seconds), `ranks` (one object per rank),
    /// `peak_resident_mib_max`, `wall_s`, and any `extra` keys.
    public static func runSummary(command: String, created: String, input: [String: JSONValue], output: String,
                                  parameters: [String: JSONValue], figures: [String: JSONValue],
                                  timings: [(phase: String, seconds: Double)], ranks: [RankUsageRow], wallSeconds: Double,
                                  extra: [String: JSONValue] = [:]) -> JSONValue {
        var o: [String: JSONValue] = [
            "command": .string(command),
            "driftmpi_version": .string(DriftmpiVersion.string),
            "created": .string(created),
            "input": .object(input),
            "output": .string(DriftFile.absolutePath(output)),
            "parameters": .object(parameters),
            "figures": .object(figures),
            "timings": .object(Dictionary(timings.map { ($0.phase, JSONValue.number($0.seconds)) }, uniquingKeysWith: { a, _ in a })),
            "ranks": json(ranks: ranks.enumerated().map {
                RankRow(rank: $0.offset, pairs: $0.element.pairs, bytesSent: $0.element.bytesSent,
                        cpuSeconds: $0.element.cpuSeconds, peakMiB: $0.element.peakMiB)
            }),
            "wall_s": .number((wallSeconds * 1000).rounded() / 1000),
        ]
        if let m = ranks.map(\.peakMiB).max() { o["peak_resident_mib_max"] = .number(m) }
        for (k, v) in extra { o[k] = v }
        return .object(o)
    }

    /// The summary of an `estimate` run whose result this report reads: input, parameters and
    /// figures as `inspect` gives them (one source of truth: the result file's attributes); the
    /// timings (all phases, the write included) and ranks as the run measured them.
    public func estimateSummary(created: String, timings: [(phase: String, seconds: Double)], ranks: [RankUsageRow],
                                wallSeconds: Double, extra: [String: JSONValue] = [:]) -> JSONValue {
        Self.runSummary(command: "estimate", created: created,
                        input: Dictionary(input.map { ($0.key, $0.value) }, uniquingKeysWith: { a, _ in a }),
                        output: path, parameters: parameters, figures: figures, timings: timings, ranks: ranks,
                        wallSeconds: wallSeconds, extra: extra)
    }
}

