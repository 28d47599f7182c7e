import Foundation

/// A `ResultReport` as the lines `driftmpi inspect` prints: sections of rows, label and value in
/// columns, numbers as the report writes them.
enum ReportText {
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
    static func lines(of report: ResultReport) -> [String] {
        var out = ["driftmpi result: \(report.path)"]
        let f = report.figures

        out.append("input")
        let input = report.input
        if input.isEmpty { out.append(row("(not recorded)", "")) }
        for (key, value) in input {
            var text = format(value)
            if key == "rows" { text += " localisations" }
            if key == "sources", case .array(let a) = value {
                text = a.map(format).joined(separator: "\n" + String(repeating: " ", count: 32))
            }
            out.append(row(key, text))
        }

        out.append("provenance")
        let provenance = report.provenance
        if provenance.isEmpty { out.append(row("(not recorded)", "")) }
        for (key, value) in provenance { out.append(row(key, format(value))) }

        out.append("parameters")
        let groups = report.parameterList
        if groups.isEmpty { out.append(row("(none recorded)", "")) }
        for g in groups {
            out.append("  " + g.group)
            for e in g.entries { out.append(row(e.name, format(e.value), indent: 4, width: 26)) }
        }

        out.append("drift (/drift/xyz, \(report.unit))")
        if let a = report.firstFrame, let b = report.lastFrame { out.append(row("frames", "\(report.frameCount) (\(a) to \(b))")) }
        else { out.append(row("frames", "0")) }
        for (k, axis) in ["x", "y", "z"].enumerated() {
            guard let lo = report.driftMin, let hi = report.driftMax else { break }
            var text = String(format: "%.3f to %.3f ", lo[k], hi[k]) + report.unit
            if let nlo = report.driftNmMin, let nhi = report.driftNmMax { text += String(format: " (%.2f to %.2f nm)", nlo[k], nhi[k]) }
            out.append(row(axis, text))
        }

        out.append("solve")
        out.append(row("segments", format(f["segments"] ?? .int(0))
                            + (f["sparse_segments"].map { ", \(format($0)) too sparse to correlate" } ?? "")))
        if case .int(let p)? = f["pairs"], case .int(let u)? = f["pairs_used"] {
            out.append(row("pairs", p == 0 ? "none" : "\(p): \(u) used, \(p - u) dropped"))
        }
        for (key, label, u) in [("rms_residual_nm", "RMS pair residual", "nm"), ("rms_residual_px", "RMS pair residual", "px")] {
            if case .double(let d)? = f[key] { out.append(row(label, String(format: "%.4f ", d) + u)) }
            if case .null? = f[key] { out.append(row(label, "unknown")) }
        }
        if let r = f["refine_segments"] {
            var text = "\(format(r)) segments"
            if let p = f["refine_passes"] { text += ", \(format(p)) passes" }
            if case .double(let d)? = f["refine_last_update_nm"] { text += String(format: ", last update %.3f nm", d) }
            out.append(row("refinement", text))
        }
        if case .object(let e)? = f["expected_error_nm"] {
            let v = ["x", "y", "z"].map { axis -> String in
                if case .double(let d)? = e[axis] { return String(format: "%.3f", d) }
                return e[axis].map(format) ?? "?"
            }
            var text = "x \(v[0]), y \(v[1]), z \(v[2]) nm"
            if let h = f["accuracy_half_rows"] { text += " (halves of \(format(h)) localisations)" }
            out.append(row("expected error (halves)", text))
        } else if report.attributes["accuracy"] != nil {
            out.append(row("expected error (halves)", "not estimated"))
        }
        if case .object(let e)? = f["rmse_vs_truth_nm"] {
            let v = ["x", "y", "z"].map { axis -> String in
                if case .double(let d)? = e[axis] { return String(format: "%.3f", d) }
                return e[axis].map(format) ?? "?"
            }
            out.append(row("RMSE vs truth", "x \(v[0]), y \(v[1]), z \(v[2]) nm"))
            if let t = f["truth"] { out.append(row("truth", format(t))) }
        }

        let timings = report.timings
        if !timings.isEmpty {
            out.append("timings (s, maximum over ranks)")
            for t in timings { out.append(row(t.phase, String(format: "%.3f", t.seconds))) }
            out.append(row("sum", String(format: "%.3f", timings.reduce(0) { $0 + $1.seconds })))
        }

        let ranks = report.ranks
        let peakMax = report.double("peak_resident_mib_max")
        if !ranks.isEmpty || peakMax != nil {
            out.append("ranks")
            if !ranks.isEmpty {
                out.append("  rank   pairs   MiB sent    CPU s   peak MiB  MPI CPU s  messages")
                for r in ranks {
                    func cell<T>(_ v: T?, _ f: (T) -> String) -> String { v.map(f) ?? "-" }
                    let cells = [cell(r.pairs) { String($0) }, cell(r.bytesSent) { String(format: "%.1f", Double($0) / 1048576) },
                                 cell(r.cpuSeconds) { String(format: "%.2f", $0) }, cell(r.peakMiB) { String(format: "%.0f", $0) },
                                 cell(r.mpiCpuSeconds) { String(format: "%.2f", $0) }, cell(r.messages) { String($0) }]
                    let widths = [7, 10, 8, 10, 10, 9]
                    out.append("  " + leftPadded(String(r.rank), 4) + zip(cells, widths).map { " " + leftPadded($0.0, $0.1) }.joined())
                }
            }
            if let m = peakMax { out.append(row("peak resident memory", String(format: "%.0f MiB (largest rank)", m))) }
        }
        return out
    }
}
