import DriftCore

/// The text of a drift plot: the facts under the title, lines wrapped and cut to a width, axis
/// labels, and how wide DejaVu Sans sets them (pixels).
enum PlotText {
    /// The fonts the plot asks for (DejaVu Sans is the one `textWidth` measures).
    static let font = "DejaVu Sans, Helvetica, Arial, sans-serif"

    /// The facts under the title: method, segments, pairs, refinement, frames, dimensions, unit, result file.
    static func subtitleParts(_ r: DriftResult, axes: [Int], name: String?) -> [String] {
        var parts: [String] = []
        if case .string(let m)? = r.attributes["method"], !m.isEmpty { parts.append(m.uppercased()) }
        else if case .string(let c)? = r.attributes["command"], !c.isEmpty { parts.append(c) }
        let segments: Int = {
            if case .int(let s)? = r.attributes["segments"] { return Int(s) }
            return r.segmentCentreFrame.count
        }()
        if segments > 0 { parts.append("\(segments) segment\(segments == 1 ? "" : "s")") }
        if !r.pairI.isEmpty { parts.append("\(r.pairI.count) pair\(r.pairI.count == 1 ? "" : "s")") }
        if !r.fineCentreFrame.isEmpty { parts.append("refined on \(r.fineCentreFrame.count) short segments") }
        parts.append("frames \(r.frames.first!)\u{2013}\(r.frames.last!)")
        parts.append(axes.count == 3 ? "3D" : "2D")
        parts.append(r.lengthUnit == .nm ? "unit nm" : "unit \(r.unit)\(r.driftNm.isEmpty ? "" : " (and nm)")")
        if let name { parts.append("result \(name)") }
        return parts
    }

    /// `parts` joined by `separator` into lines no wider than `width` (a part wider than a line is cut).
    static func wrapped(_ parts: [String], separator: String, size: Double, width: Double) -> [String] {
        var lines: [String] = []
        var line = ""
        for part in parts.map({ fitted($0, size: size, width: width) }) {
            if line.isEmpty { line = part; continue }
            if textWidth(line + separator + part, size: size) <= width { line += separator + part }
            else { lines.append(line); line = part }
        }
        if !line.isEmpty { lines.append(line) }
        return lines
    }

    /// `s`, cut in the middle with an ellipsis when it is wider than `width`.
    static func fitted(_ s: String, size: Double, width: Double) -> String {
        guard textWidth(s, size: size) > width else { return s }
        var chars = Array(s)
        while chars.count > 3, textWidth(String(chars) + "\u{2026}", size: size) > width { chars.remove(at: chars.count / 2) }
        let middle = chars.count / 2
        return String(chars[..<middle]) + "\u{2026}" + String(chars[middle...])
    }

    /// "x drift (nm)", or "x (nm)" when a panel is too short for it.
    static func axisLabel(_ axis: String, _ unit: String, room: Double) -> String {
        let long = "\(axis) drift (\(unit))"
        return textWidth(long, size: 14 * 1.1) <= room - 4 ? long : "\(axis) (\(unit))"
    }

    /// About how wide DejaVu Sans sets `s` at `size` pixels.
    static func textWidth(_ s: String, size: Double) -> Double {
        var w = 0.0
        for c in s {
            switch c {
            case "i", "l", "j", "t", "f", "r", " ", ".", ",", ":", "1", "(", ")": w += 0.38
            case "m", "w", "M", "W": w += 0.9
            case "A"..."Z": w += 0.7
            default: w += 0.6
            }
        }
        return w * size
    }
}
