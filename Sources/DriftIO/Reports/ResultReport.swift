import DriftCore
import Foundation

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

    // MARK: sections

    /// Every attribute that is a parameter (not input, provenance, figure, timing or rank usage),
    /// grouped, in a stable order; empty groups are left out.
    public var parameterList: [(group: String, entries: [(name: String, value: AttributeValue)])] {
        let taken = Set(ReportAttributes.inputKeys.map(\.attribute) + ReportAttributes.provenanceKeys).union(ReportAttributes.figureKeys)
        let names = attributes.keys.filter { !taken.contains($0) && !ReportAttributes.isTiming($0) && !ReportAttributes.isRankList($0) }
        var out: [(group: String, entries: [(name: String, value: AttributeValue)])] = []
        for g in ReportAttributes.parameterGroups {
            let mine = names.filter { ReportAttributes.groupOf($0) == g.name }
            let known = g.members.filter(mine.contains)
            let rest = mine.filter { !g.members.contains($0) }.sorted(by: ReportAttributes.naturalOrder)
            let entries = (known + rest).map { (name: $0, value: attributes[$0]!) }
            if !entries.isEmpty { out.append((g.name, entries)) }
        }
        return out
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
    public var isImageResult: Bool { LengthUnit(rawValue: unit) == .px || attributes["unit"] == .string(LengthUnit.px.rawValue) }

    /// The input: path, format, rows (localisations) or time points, frames and geometry, as recorded.
    public var input: [(key: String, value: JSONValue)] {
        var out: [(key: String, value: JSONValue)] = []
        for (attribute, key) in ReportAttributes.inputKeys {
            guard let v = attributes[attribute] else { continue }
            out.append((key, ReportAttributes.json(v, name: attribute)))
            if attribute == "frames" && isImageResult { out.append(("time_points", ReportAttributes.json(v, name: attribute))) }
        }
        return out
    }

    public var provenance: [(key: String, value: JSONValue)] {
        ReportAttributes.provenanceKeys.compactMap { k in attributes[k].map { (k, ReportAttributes.json($0, name: k)) } }
    }

    /// Segments, pairs (used, dropped), residual, drift range, refinement, expected error from split
    /// halves (nm), RMSE against a truth.
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
        if let x = double("expected_error_x_nm"), let y = double("expected_error_y_nm") {
            f["expected_error_nm"] = .object(["x": .number(x), "y": .number(y), "z": .number(double("expected_error_z_nm") ?? 0)])
        }
        if let h = attributes["accuracy_half_rows"] { f["accuracy_half_rows"] = ReportAttributes.json(h, name: "accuracy_half_rows") }
        return f
    }

    /// The phases timed (`timing_<phase>_s`, maximum over ranks), in the pipeline's order.
    public var timings: [(phase: String, seconds: Double)] {
        let order = Phase.allCases.map(\.rawValue)
        let phases = attributes.keys.filter(ReportAttributes.isTiming).map { String($0.dropFirst(7).dropLast(2)) }
        let sorted = order.filter(phases.contains) + phases.filter { !order.contains($0) }.sorted()
        return sorted.compactMap { p in double("timing_\(p)_s").map { (p, $0) } }
    }

    /// Each rank's pairs, bytes and messages sent, CPU time (and in MPI calls) and peak memory
    /// (`rank_*`, comma-separated in rank order).
    public var ranks: [RankUsage] {
        func list(_ name: String) -> [String] {
            guard case .string(let s)? = attributes[name], !s.isEmpty else { return [] }
            return s.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
        }
        let pairs = list("rank_pairs"), bytes = list("rank_bytes_sent"), cpu = list("rank_cpu_s"), peak = list("rank_peak_resident_mib")
        let mpi = list("rank_mpi_cpu_s"), messages = list("rank_messages")
        let n = [pairs.count, bytes.count, cpu.count, peak.count].max() ?? 0
        func at(_ l: [String], _ k: Int) -> String? { k < l.count ? l[k] : nil }
        return (0..<n).map { k in
            RankUsage(rank: k, pairs: at(pairs, k).flatMap { Int($0) }, bytesSent: at(bytes, k).flatMap { Int64($0) },
                      cpuSeconds: at(cpu, k).flatMap { Double($0) }, peakMiB: at(peak, k).flatMap { Double($0) },
                      mpiCpuSeconds: at(mpi, k).flatMap { Double($0) }, messages: at(messages, k).flatMap { Int64($0) })
        }
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
            "ranks": RankUsage.json(ranks),
        ]
        if let m = double("peak_resident_mib_max") { o["peak_resident_mib_max"] = .number(m) }
        return .object(o)
    }

    /// Every parameter attribute by name (flat; the groups are `parameterList`'s).
    public var parameters: [String: JSONValue] {
        var out: [String: JSONValue] = [:]
        for g in parameterList { for e in g.entries { out[e.name] = ReportAttributes.json(e.value, name: e.name) } }
        return out
    }

    /// The report as lines of text (`ReportText`).
    public var lines: [String] { ReportText.lines(of: self) }

    public var text: String { lines.joined(separator: "\n") }

    // MARK: run summaries

    /// The JSON object of a `--summary` file: `command`, `driftmpi_version`, `created`, `input`,
    /// `output`, `parameters`, `figures`, `timings` (phase: seconds), `ranks` (one object per rank),
    /// `peak_resident_mib_max`, `wall_s`, and any `extra` keys.
    public static func runSummary(command: String, created: String, input: [String: JSONValue], output: String,
                                  parameters: [String: JSONValue], figures: [String: JSONValue],
                                  timings: [(phase: String, seconds: Double)], ranks: [RankUsage], wallSeconds: Double,
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
            "ranks": RankUsage.json(ranks.enumerated().map { k, row in
                var row = row
                row.rank = k
                return row
            }),
            "wall_s": .number((wallSeconds * 1000).rounded() / 1000),
        ]
        if let m = ranks.compactMap(\.peakMiB).max() { o["peak_resident_mib_max"] = .number(m) }
        for (k, v) in extra { o[k] = v }
        return .object(o)
    }

    /// The summary of an `estimate` run whose result this report reads: input, parameters and
    /// figures as `inspect` gives them (one source of truth: the result file's attributes); the
    /// timings (all phases, the write included) and ranks as the run measured them.
    public func estimateSummary(created: String, timings: [(phase: String, seconds: Double)], ranks: [RankUsage],
                                wallSeconds: Double, extra: [String: JSONValue] = [:]) -> JSONValue {
        Self.runSummary(command: "estimate", created: created,
                        input: Dictionary(input.map { ($0.key, $0.value) }, uniquingKeysWith: { a, _ in a }),
                        output: path, parameters: parameters, figures: figures, timings: timings, ranks: ranks,
                        wallSeconds: wallSeconds, extra: extra)
    }
}
