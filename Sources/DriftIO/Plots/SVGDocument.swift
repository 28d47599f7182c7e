import Foundation

/// A small SVG writer: elements in the order given, attributes in a fixed order, text escaped.
struct SVGDocument {
    private var out: String
    private var openElements: [String] = []

    init(width: Double, height: Double) {
        out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        out += "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" width=\"\(SVGDocument.number(width, 0))\" "
            + "height=\"\(SVGDocument.number(height, 0))\" viewBox=\"0 0 \(SVGDocument.number(width, 0)) \(SVGDocument.number(height, 0))\" "
            + "font-family=\"\(PlotText.font)\">\n"
    }

    /// A number with `decimals` places, never "-0".
    static func number(_ v: Double, _ decimals: Int = 1) -> String {
        var s = String(format: "%.\(decimals)f", v)
        if s.hasPrefix("-"), s.dropFirst().allSatisfy({ $0 == "0" || $0 == "." }) { s.removeFirst() }
        return s
    }

    static func escape(_ s: String) -> String {
        var r = ""
        r.reserveCapacity(s.count)
        for c in s {
            switch c {
            case "&": r += "&amp;"
            case "<": r += "&lt;"
            case ">": r += "&gt;"
            case "\"": r += "&quot;"
            case "'": r += "&apos;"
            default:
                // Characters XML 1.0 does not allow are left out.
                if let v = c.unicodeScalars.first?.value, c.unicodeScalars.count == 1, v < 0x20, v != 0x9, v != 0xA, v != 0xD { continue }
                r.append(c)
            }
        }
        return r
    }

    mutating func raw(_ s: String) { out += s; out += "\n" }

    /// Opens `name` with attributes sorted by name.
    mutating func open(_ name: String, _ attributes: [String: String]) {
        out += "<\(name)"
        for k in attributes.keys.sorted() { out += " \(k)=\"\(Self.escape(attributes[k]!))\"" }
        out += ">\n"
        openElements.append(name)
    }

    mutating func close(_ name: String) {
        precondition(openElements.last == name, "SVG elements closed out of order")
        openElements.removeLast()
        out += "</\(name)>\n"
    }

    mutating func text(_ s: String, x: Double, y: Double, size: Double, fill: String = "#000000", weight: String? = nil,
                       anchor: String, rotate: Bool = false, cls: String) {
        let fx = SVGDocument.number(x), fy = SVGDocument.number(y)
        out += "<text class=\"\(cls)\" x=\"\(fx)\" y=\"\(fy)\" font-size=\"\(SVGDocument.number(size, 0))\" fill=\"\(fill)\" text-anchor=\"\(anchor)\""
        if let weight { out += " font-weight=\"\(weight)\"" }
        if rotate { out += " transform=\"rotate(-90 \(fx) \(fy))\"" }
        out += ">\(Self.escape(s))</text>\n"
    }

    /// A polyline through `points` (nil: a break) with values mapped to y by `map`.
    mutating func path(_ points: [(Double, Double)?], map: (Double) -> Double, attributes: String) {
        var d = ""
        d.reserveCapacity(points.count * 14)
        var pen = false
        for p in points {
            guard let (x, v) = p else { pen = false; continue }
            d += pen ? "L" : "M"
            d += SVGDocument.number(x)
            d += " "
            d += SVGDocument.number(map(v))
            pen = true
        }
        guard !d.isEmpty else { return }
        out += "<path \(attributes) d=\"\(d)\"/>\n"
    }

    mutating func finish() -> String {
        precondition(openElements.isEmpty, "SVG elements left open")
        out += "</svg>\n"
        return out
    }
}
