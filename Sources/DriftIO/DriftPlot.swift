import CRSVG
import DriftCore
import Foundation

/// Plots of a result file (`driftmpi plot`): the drift against frame as an SVG document, one panel per
/// axis (x, y, and z for 3D results), and that document rendered into a PNG by librsvg.
///
/// Each panel shows the drift at every frame (`/drift/xyz`, a line, reduced to the lowest and highest
/// value in each pixel column when there are more than `maxLinePoints` frames, so spikes stay
/// visible), the segment estimates (`/segments/drift` at `/segments/centre_frame`, points with error
/// bars of one `/segments/sigma`; NaN drifts are skipped, NaN sigmas drawn without a bar; the points
/// and the coarse line are shifted by their mean difference from `/drift`, since they are relative
/// to the first segment's mean position rather than to the first frame), the coarse
/// drift before the refinement (`/drift` minus the `/refinement/correction` at the refinement segments,
/// a faint line) when the result has one, and a red tick on the frame axis for every dropped pair
/// (`/pairs/used` = 0) at the midpoint of its two segment centres. Results in pixels (image stacks) are
/// drawn in pixels (slices for z) with a secondary nm axis on the right when the voxel size is known.
/// The document is the same bytes for the same result and options.
public enum DriftPlot {
    /// Okabe-Ito colours (safe for colour-blind readers) of the x, y and z panels.
    public static let axisColours = ["#0072B2", "#D55E00", "#009E73"]
    public static let axisNames = ["x", "y", "z"]
    /// Dropped pairs.
    static let droppedColour = "#C00000"
    /// The most points a line has before it is reduced to each pixel column's lowest and highest value.
    public static let maxLinePoints = 2000

    // Layout (pixels). `top`: where the panels start when the title, subtitle and legend take one line each.
    static let top = 100.0, bottom = 64.0, gap = 26.0, left = 92.0, rightPlain = 28.0, rightSecondary = 84.0
    static let defaultPanelHeight = 220
    static let font = "DejaVu Sans, Helvetica, Arial, sans-serif"

    /// The smallest width and height `svg` accepts.
    public static let minimumWidth = 400, minimumHeight = 360

    /// The axes that get a panel: x and y, and z when the result is 3D (root attribute `dims` = 3, or a
    /// non-zero z in the drift or the segment drifts).
    public static func axes(of r: DriftResult) -> [Int] {
        var threeD = false
        switch r.attributes["dims"] {
        case .int(let d)?: threeD = d == 3
        case .double(let d)?: threeD = d == 3
        case .string(let s)?: threeD = s.trimmingCharacters(in: .whitespaces) == "3"
        case nil: break
        }
        if !threeD {
            threeD = r.drift.contains { $0.z.isFinite && $0.z != 0 } || r.segmentDrift.contains { $0.z.isFinite && $0.z != 0 }
        }
        return threeD ? [0, 1, 2] : [0, 1]
    }

    /// The height used when none is given: 220 pixels per panel plus the title, legend and frame axis.
    public static func defaultHeight(panels: Int) -> Int {
        Int(top + bottom) + panels * defaultPanelHeight + (panels - 1) * Int(gap)
    }

    /// Pairs with `/pairs/used` = 0, and all pairs.
    public static func droppedPairs(_ r: DriftResult) -> (dropped: Int, total: Int) {
        (r.pairUsed.filter { $0 == 0 }.count, r.pairI.count)
    }

    /// The plot of `r` as an SVG document of `width` x `height` pixels (`height` nil: `defaultHeight`).
    /// `name` titles the plot when the result records no `input` attribute. Throws `FileFormatError(path, ...)`
    /// for a result without drift.
    public static func svg(_ result: DriftResult, width: Int = 1000, height: Int? = nil, name: String? = nil,
                           path: String = "result") throws -> String {
        guard !result.frames.isEmpty, result.frames.count == result.drift.count else {
            throw FileFormatError(path, result.frames.isEmpty ? "no drift to plot (/drift/frame is empty)"
                                                        : "/drift/frame and /drift/xyz differ in length")
        }
        // The segment drifts are relative to the first segment's mean position, /drift to the first
        // frame: the points are drawn shifted by their mean difference from /drift, so that they show
        // what time resolution and refinement change rather than the choice of reference.
        var r = result
        let points = r.segmentCentreFrame.indices.filter { $0 < r.segmentDrift.count }.map { (frame: r.segmentCentreFrame[$0], value: r.segmentDrift[$0]) }
        let pointShift = offset(from: points, to: r)
        r.segmentDrift = r.segmentDrift.map { $0 + pointShift }
        let axes = axes(of: r)
        let w = Double(max(width, minimumWidth))
        let h = Double(max(height ?? defaultHeight(panels: axes.count), minimumHeight))
        let scales = nmScales(r)
        let secondary = r.unit != "nm" && axes.contains { scales[$0] != nil }
        let plotLeft = left, plotRight = w - (secondary ? rightSecondary : rightPlain)
        // Frame axis: the frames' own range, ticks inside it.
        var f0 = Double(r.frames.first!), f1 = Double(r.frames.last!)
        for f in r.frames { f0 = min(f0, Double(f)); f1 = max(f1, Double(f)) }
        if f1 <= f0 { f0 -= 0.5; f1 += 0.5 }
        let fx: (Double) -> Double = { plotLeft + ($0 - f0) / (f1 - f0) * (plotRight - plotLeft) }
        // About one tick per 110 pixels, with room for the widest label.
        var frameStep = niceStep(f1 - f0, count: max(2, Int((plotRight - plotLeft) / 110)))
        let labelWidth = textWidth(String(max(abs(r.frames.first!), abs(r.frames.last!))) + "-", size: 12) + 14
        while frameStep < f1 - f0, frameStep / (f1 - f0) * (plotRight - plotLeft) < labelWidth { frameStep = coarser(frameStep) }
        let frameTicks = ticks(from: f0, to: f1, step: max(frameStep, 1))
        let frameX = r.frames.map { fx(Double($0)) }
        let columns = max(1, min(Int(plotRight - plotLeft), maxLinePoints / 2))

        let coarseRaw = coarseCurve(r)
        let coarseShift = offset(from: coarseRaw, to: r)
        let coarse = coarseRaw.map { (frame: $0.frame, value: $0.value + coarseShift) }
        let (dropped, totalPairs) = droppedPairs(r)
        let droppedFrames: [Double] = r.pairUsed.indices.compactMap { k in
            guard r.pairUsed[k] == 0, k < r.pairI.count, k < r.pairJ.count else { return nil }
            let i = Int(r.pairI[k]), j = Int(r.pairJ[k])
            guard i >= 0, i < r.segmentCentreFrame.count else { return nil }
            let ci = r.segmentCentreFrame[i]
            let mid = j >= 0 && j < r.segmentCentreFrame.count ? (ci + r.segmentCentreFrame[j]) / 2 : ci
            return mid.isFinite ? mid : nil
        }.sorted()

        var svg = SVGDocument(width: w, height: h)
        svg.raw("<rect x=\"0\" y=\"0\" width=\"\(fmt(w))\" height=\"\(fmt(h))\" fill=\"#FFFFFF\"/>")

        // Title, the lines under it and the legend, each wrapped to the width; the panels start below them.
        let input: String = {
            if case .string(let s)? = r.attributes["input"], !s.isEmpty { return URL(fileURLWithPath: s).lastPathComponent }
            return name ?? "result"
        }()
        let textRight = w - 12
        svg.text(fitted("Drift of \(input)", size: 19 * 1.1, width: textRight - plotLeft), x: plotLeft, y: 30, size: 19,
                 weight: "bold", anchor: "start", cls: "title")
        var y = 54.0
        for line in wrapped(subtitleParts(r, axes: axes, name: name), separator: "  \u{00B7}  ", size: 13, width: textRight - plotLeft) {
            svg.text(line, x: plotLeft, y: y, size: 13, fill: "#404040", anchor: "start", cls: "subtitle")
            y += 18
        }

        // Legend: a swatch (markup at a given left end and centre line) and a text per item, in rows.
        var items: [(swatch: Double, markup: (Double, Double) -> String, text: String, cls: String)] = []
        items.append((32, { x, cy in
            axes.enumerated().map { n, a in
                let ly = cy + (Double(n) - Double(axes.count - 1) / 2) * 4
                return "<line x1=\"\(fmt(x))\" y1=\"\(fmt(ly))\" x2=\"\(fmt(x + 26))\" y2=\"\(fmt(ly))\" stroke=\"\(axisColours[a])\" stroke-width=\"2\"/>"
            }.joined(separator: "\n")
        }, "drift at every frame", "legend-text"))
        if r.segmentDrift.indices.contains(where: { $0 < r.segmentCentreFrame.count && r.segmentCentreFrame[$0].isFinite }) {
            items.append((18, { x, cy in
                "<line x1=\"\(fmt(x + 6))\" y1=\"\(fmt(cy - 7))\" x2=\"\(fmt(x + 6))\" y2=\"\(fmt(cy + 7))\" stroke=\"#303030\" stroke-width=\"1.2\"/>\n"
                    + "<circle cx=\"\(fmt(x + 6))\" cy=\"\(fmt(cy))\" r=\"3.5\" fill=\"#404040\"/>"
            }, "segment \u{00B1} 1\u{03C3}", "legend-text"))
        }
        if !coarse.isEmpty {
            items.append((32, { x, cy in
                "<line x1=\"\(fmt(x))\" y1=\"\(fmt(cy))\" x2=\"\(fmt(x + 26))\" y2=\"\(fmt(cy))\" stroke=\"#404040\" stroke-opacity=\"0.4\" stroke-width=\"1.5\" stroke-dasharray=\"5 3\"/>"
            }, "coarse, before refinement (aligned)", "legend-text"))
        }
        if totalPairs > 0 {
            items.append((12, { x, cy in
                "<line x1=\"\(fmt(x + 3))\" y1=\"\(fmt(cy - 6))\" x2=\"\(fmt(x + 3))\" y2=\"\(fmt(cy + 6))\" stroke=\"\(droppedColour)\" stroke-width=\"2\"/>"
            }, "dropped pair: \(dropped) of \(totalPairs) pairs dropped", "dropped-count"))
        }
        svg.open("g", ["class": "legend"])
        var lx = plotLeft
        var ly = y + 10
        for item in items {
            let itemWidth = item.swatch + textWidth(item.text, size: 13)
            if lx > plotLeft, lx + itemWidth > textRight { lx = plotLeft; ly += 21 }
            svg.raw(item.markup(lx, ly))
            svg.text(item.text, x: lx + item.swatch, y: ly + 4.5, size: 13, fill: "#202020", anchor: "start", cls: item.cls)
            lx += itemWidth + 22
        }
        svg.close("g")
        let panelsTop = ly + 18
        let panelHeight = max(40, (h - panelsTop - bottom - gap * Double(axes.count - 1)) / Double(axes.count))

        for (n, a) in axes.enumerated() {
            let py0 = panelsTop + Double(n) * (panelHeight + gap), py1 = py0 + panelHeight
            let values = r.drift.map { v -> Double in v[a] }
            // Value range: the line, the points and the coarse line, with 0; error bars add at most half as much.
            var lo = 0.0, hi = 0.0
            func include(_ v: Double) { if v.isFinite { lo = min(lo, v); hi = max(hi, v) } }
            values.forEach(include)
            coarse.forEach { include($0.value[a]) }
            for s in r.segmentDrift.indices where s < r.segmentCentreFrame.count { include(r.segmentDrift[s][a]) }
            let span = max(hi - lo, 0)
            var barLo = lo, barHi = hi
            for s in r.segmentDrift.indices where s < r.segmentSigma.count {
                let v = r.segmentDrift[s][a], e = r.segmentSigma[s][a]
                guard v.isFinite, e.isFinite, e > 0 else { continue }
                barLo = min(barLo, max(v - e, lo - span / 2))
                barHi = max(barHi, min(v + e, hi + span / 2))
            }
            lo = barLo; hi = barHi
            if !(hi - lo > 1e-12 * max(1, abs(hi), abs(lo))) { lo -= 1; hi += 1 }
            // About one tick per 48 pixels, and never closer than 17 (the labels' height).
            var step = niceStep(hi - lo, count: max(2, Int(panelHeight / 48)))
            var axisLo = (lo / step).rounded(.down) * step, axisHi = (hi / step).rounded(.up) * step
            while (axisHi - axisLo) / step * 17 > panelHeight, (axisHi - axisLo) / step > 1 {
                step = coarser(step)
                axisLo = (lo / step).rounded(.down) * step; axisHi = (hi / step).rounded(.up) * step
            }
            let vy: (Double) -> Double = { py1 - ($0 - axisLo) / (axisHi - axisLo) * (py1 - py0) }

            svg.open("g", ["class": "panel", "id": "panel-\(axisNames[a])"])
            svg.raw("<clipPath id=\"clip-\(axisNames[a])\"><rect x=\"\(fmt(plotLeft))\" y=\"\(fmt(py0))\" width=\"\(fmt(plotRight - plotLeft))\" height=\"\(fmt(py1 - py0))\"/></clipPath>")
            // Grid.
            var grid = ""
            for t in frameTicks { grid += "M\(fmt(fx(t))) \(fmt(py0))V\(fmt(py1))" }
            let valueTicks = ticks(from: axisLo, to: axisHi, step: step)
            for t in valueTicks { grid += "M\(fmt(plotLeft)) \(fmt(vy(t)))H\(fmt(plotRight))" }
            svg.raw("<path d=\"\(grid)\" stroke=\"#E6E6E6\" stroke-width=\"1\" fill=\"none\"/>")
            if axisLo < 0, axisHi > 0 {
                svg.raw("<path d=\"M\(fmt(plotLeft)) \(fmt(vy(0)))H\(fmt(plotRight))\" stroke=\"#B0B0B0\" stroke-width=\"1\" fill=\"none\"/>")
            }

            // Data, clipped to the panel.
            svg.open("g", ["clip-path": "url(#clip-\(axisNames[a]))"])
            if !coarse.isEmpty {
                let line = decimated(x: coarse.map { fx($0.frame) }, y: coarse.map { $0.value[a] }, columns: columns,
                                     x0: plotLeft, x1: plotRight)
                svg.path(line, map: vy, attributes: "stroke=\"\(axisColours[a])\" stroke-opacity=\"0.4\" stroke-width=\"1.5\" stroke-dasharray=\"5 3\" fill=\"none\" class=\"coarse\"")
            }
            let line = decimated(x: frameX, y: values, columns: columns, x0: plotLeft, x1: plotRight)
            svg.path(line, map: vy, attributes: "stroke=\"\(axisColours[a])\" stroke-width=\"1.6\" stroke-linejoin=\"round\" fill=\"none\" class=\"drift\"")
            // Segments: error bars, then points.
            var bars = "", points = ""
            let radius = fmt(min(3.5, max(1.8, (plotRight - plotLeft) / Double(max(1, r.segmentCentreFrame.count)) / 4)))
            for s in r.segmentDrift.indices where s < r.segmentCentreFrame.count {
                let c = r.segmentCentreFrame[s], v = r.segmentDrift[s][a]
                guard c.isFinite, v.isFinite else { continue }
                let x = fx(c)
                if s < r.segmentSigma.count, r.segmentSigma[s][a].isFinite, r.segmentSigma[s][a] > 0 {
                    let e = r.segmentSigma[s][a]
                    let ya = vy(v - e), yb = vy(v + e)
                    bars += "M\(fmt(x)) \(fmt(ya))V\(fmt(yb))M\(fmt(x - 3)) \(fmt(ya))H\(fmt(x + 3))M\(fmt(x - 3)) \(fmt(yb))H\(fmt(x + 3))"
                }
                points += "<circle cx=\"\(fmt(x))\" cy=\"\(fmt(vy(v)))\" r=\"\(radius)\"/>"
            }
            if !bars.isEmpty { svg.raw("<path class=\"sigma\" d=\"\(bars)\" stroke=\"#303030\" stroke-width=\"1\" fill=\"none\"/>") }
            if !points.isEmpty {
                svg.raw("<g class=\"segments\" fill=\"\(axisColours[a])\" stroke=\"#FFFFFF\" stroke-width=\"0.8\">\(points)</g>")
            }
            svg.close("g")

            // Dropped pairs: ticks rising from the frame axis.
            if !droppedFrames.isEmpty {
                var d = ""
                for f in droppedFrames { d += "M\(fmt(fx(f))) \(fmt(py1))V\(fmt(py1 - 9))" }
                svg.raw("<path class=\"dropped\" d=\"\(d)\" stroke=\"\(droppedColour)\" stroke-width=\"1.5\" fill=\"none\"/>")
            }

            // Frame and tick marks.
            svg.raw("<rect x=\"\(fmt(plotLeft))\" y=\"\(fmt(py0))\" width=\"\(fmt(plotRight - plotLeft))\" height=\"\(fmt(py1 - py0))\" fill=\"none\" stroke=\"#404040\" stroke-width=\"1\"/>")
            var marks = ""
            for t in valueTicks { marks += "M\(fmt(plotLeft - 5)) \(fmt(vy(t)))H\(fmt(plotLeft))" }
            for t in frameTicks { marks += "M\(fmt(fx(t))) \(fmt(py1))V\(fmt(py1 + 5))" }
            svg.raw("<path d=\"\(marks)\" stroke=\"#404040\" stroke-width=\"1\" fill=\"none\"/>")
            let decimals = decimalsFor(step)
            for t in valueTicks {
                svg.text(fmt(t, decimals), x: plotLeft - 8, y: vy(t) + 4.3, size: 12, fill: "#202020", anchor: "end", cls: "tick-label")
            }
            let unit = axisUnit(r, axis: a)
            svg.text(axisLabel(axisNames[a], unit, room: py1 - py0), x: 22, y: (py0 + py1) / 2, size: 14, fill: axisColours[a],
                     weight: "bold", anchor: "middle", rotate: true, cls: "axis-label")

            // Secondary nm axis for results in pixels.
            if r.unit != "nm", let scale = scales[a] {
                let nLo = axisLo * scale, nHi = axisHi * scale
                var nStep = niceStep(abs(nHi - nLo), count: max(2, Int(panelHeight / 48)))
                while abs(nHi - nLo) / nStep * 17 > panelHeight, abs(nHi - nLo) / nStep > 1 { nStep = coarser(nStep) }
                let (a0, a1) = (min(nLo, nHi), max(nLo, nHi))
                var nmMarks = ""
                let nmTicks = ticks(from: a0, to: a1, step: nStep)
                for t in nmTicks { nmMarks += "M\(fmt(plotRight)) \(fmt(vy(t / scale)))H\(fmt(plotRight + 5))" }
                svg.raw("<path d=\"\(nmMarks)\" stroke=\"#404040\" stroke-width=\"1\" fill=\"none\"/>")
                for t in nmTicks {
                    svg.text(fmt(t, decimalsFor(nStep)), x: plotRight + 8, y: vy(t / scale) + 4.3, size: 12, fill: "#202020",
                             anchor: "start", cls: "tick-label secondary")
                }
                svg.text(axisLabel(axisNames[a], "nm", room: py1 - py0), x: w - 14, y: (py0 + py1) / 2, size: 14, fill: axisColours[a],
                         anchor: "middle", rotate: true, cls: "axis-label secondary")
            }
            // Frame tick labels under the last panel.
            if n == axes.count - 1 {
                for t in frameTicks {
                    svg.text(fmt(t, decimalsFor(max(frameStep, 1))), x: fx(t), y: py1 + 21, size: 12, fill: "#202020",
                             anchor: "middle", cls: "tick-label frame")
                }
                svg.text("frame", x: (plotLeft + plotRight) / 2, y: py1 + 46, size: 14, fill: "#202020", anchor: "middle",
                         cls: "axis-label frame")
            }
            svg.close("g")
        }
        return svg.finish()
    }

    /// The PNG of an SVG document, rendered by librsvg at `width` x `height` pixels on white.
    /// Throws `FileFormatError(path, ...)` when librsvg or cairo fail.
    public static func png(svg: String, width: Int, height: Int, path: String = "plot.png") throws -> [UInt8] {
        var bytes = Array(svg.utf8)
        bytes.append(0)
        var png: UnsafeMutablePointer<UInt8>?
        var size = 0
        var message = [CChar](repeating: 0, count: 512)
        let status = bytes.withUnsafeBufferPointer { b in
            b.baseAddress!.withMemoryRebound(to: CChar.self, capacity: b.count) { svgText in
                crsvg_render_png(svgText, b.count - 1, Int32(width), Int32(height), &png, &size, &message, message.count)
            }
        }
        guard status == 0, let data = png else {
            let reason = message.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
            throw FileFormatError(path, "cannot render the plot as PNG: \(reason)")
        }
        defer { crsvg_free(data) }
        return Array(UnsafeBufferPointer(start: data, count: size))
    }

    /// The librsvg version PNGs are rendered with.
    public static var librsvgVersion: String { String(cString: crsvg_version()) }

    /// Writes the SVG (and the PNG) of `r`, read from `resultPath`, each whole or not at all; both are made
    /// before either is written. `name` as for `svg`. Returns the height used.
    @discardableResult
    public static func write(_ r: DriftResult, resultPath: String, svgPath: String, pngPath: String?, width: Int = 1000,
                             height: Int? = nil, name: String? = nil) throws -> Int {
        let h = max(height ?? defaultHeight(panels: axes(of: r).count), minimumHeight)
        let w = max(width, minimumWidth)
        let text = try svg(r, width: w, height: h, name: name, path: resultPath)
        let image = try pngPath.map { try png(svg: text, width: w, height: h, path: $0) }
        if let pngPath, let image {
            try AtomicOutput.write(to: pngPath) { tmp in
                guard FileManager.default.createFile(atPath: tmp, contents: Data(image)) else {
                    throw FileFormatError(pngPath, "cannot write the file")
                }
            }
        }
        try AtomicOutput.write(text: text, to: svgPath)
        return h
    }

    // MARK: - Pieces

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
        parts.append(r.unit == "nm" ? "unit nm" : "unit \(r.unit)\(r.driftNm.isEmpty ? "" : " (and nm)")")
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

    /// The unit of an axis's values: the result's unit (slices for z in pixel results).
    static func axisUnit(_ r: DriftResult, axis: Int) -> String {
        if r.unit == "px" && axis == 2 { return "slices" }
        return r.unit
    }

    /// nm per result unit on each axis, for results not in nm: the root attribute `voxel_size_nm`
    /// ("x,y,z"), else the ratio of `/drift/xyz_nm` to `/drift/xyz` at the largest drift; nil when unknown.
    static func nmScales(_ r: DriftResult) -> [Double?] {
        guard r.unit != "nm", !r.driftNm.isEmpty, r.driftNm.count == r.drift.count else { return [nil, nil, nil] }
        var fromAttribute: [Double]?
        if case .string(let s)? = r.attributes["voxel_size_nm"] {
            let v = s.split(separator: ",").compactMap { Double($0.trimmingCharacters(in: .whitespaces)) }
            if v.count == 3 { fromAttribute = v }
        }
        return (0..<3).map { a -> Double? in
            if let v = fromAttribute?[a], v.isFinite, v > 0 { return v }
            var best = 0.0, ratio: Double?
            for (d, n) in zip(r.drift, r.driftNm) where d[a].isFinite && n[a].isFinite && abs(d[a]) > best {
                best = abs(d[a]); ratio = n[a] / d[a]
            }
            if let q = ratio, q.isFinite, q > 0 { return q }
            return nil
        }
    }

    /// The coarse drift before the refinement at each refinement segment: /drift there (linear between
    /// frames) minus the correction, plus the correction at the first segment (the drift is shifted to 0 at
    /// the first frame, where the correction is held at its first value). Empty without a refinement.
    static func coarseCurve(_ r: DriftResult) -> [(frame: Double, value: SIMD3<Double>)] {
        let n = min(r.fineCentreFrame.count, r.fineCorrection.count)
        guard n > 0, r.frames.count == r.drift.count else { return [] }
        let first = r.fineCorrection[0]
        var out: [(frame: Double, value: SIMD3<Double>)] = []
        for k in 0..<n {
            let c = r.fineCentreFrame[k]
            guard c.isFinite, let d = driftAt(r, frame: c) else { continue }
            out.append((c, d - r.fineCorrection[k] + first))
        }
        return out.sorted { $0.frame < $1.frame }
    }

    /// The mean of /drift minus `points` over the points where both are finite (zero without any).
    static func offset(from points: [(frame: Double, value: SIMD3<Double>)], to r: DriftResult) -> SIMD3<Double> {
        var sum = SIMD3<Double>.zero, n = 0.0
        for p in points where p.frame.isFinite && p.value.x.isFinite && p.value.y.isFinite && p.value.z.isFinite {
            guard let d = driftAt(r, frame: p.frame) else { continue }
            sum += d - p.value
            n += 1
        }
        return n > 0 ? sum / n : .zero
    }

    /// /drift at a (fractional) frame, linear between the frames listed, held beyond them.
    static func driftAt(_ r: DriftResult, frame: Double) -> SIMD3<Double>? {
        guard !r.frames.isEmpty else { return nil }
        if frame <= Double(r.frames[0]) { return r.drift[0] }
        if frame >= Double(r.frames[r.frames.count - 1]) { return r.drift[r.drift.count - 1] }
        // The frames listed bracketing `frame` (increasing frames): frames[lo] <= frame < frames[hi].
        let hi = r.frames.partitioningIndex { Double($0) > frame }, lo = hi - 1
        let a = Double(r.frames[lo]), b = Double(r.frames[hi])
        let t = b > a ? (frame - a) / (b - a) : 0
        return r.drift[lo] + (r.drift[hi] - r.drift[lo]) * t
    }

    /// A line's points, reduced when there are more than `maxLinePoints`: in each of `columns` equal
    /// columns between `x0` and `x1`, the lowest and the highest value, in their order. nil breaks the line
    /// (a non-finite value).
    static func decimated(x: [Double], y: [Double], columns: Int, x0: Double, x1: Double) -> [(Double, Double)?] {
        let n = min(x.count, y.count)
        var out: [(Double, Double)?] = []
        if n <= maxLinePoints {
            for k in 0..<n { out.append(y[k].isFinite && x[k].isFinite ? (x[k], y[k]) : nil) }
            return out
        }
        out.reserveCapacity(2 * columns + 2)
        var column = -1, low = -1, high = -1
        func flush() {
            guard low >= 0 else { return }
            if low == high { out.append((x[low], y[low])) }
            else if low < high { out.append((x[low], y[low])); out.append((x[high], y[high])) }
            else { out.append((x[high], y[high])); out.append((x[low], y[low])) }
            low = -1; high = -1
        }
        let width = x1 > x0 ? x1 - x0 : 1
        for k in 0..<n {
            guard y[k].isFinite, x[k].isFinite else { flush(); out.append(nil); continue }
            let c = min(columns - 1, max(0, Int((x[k] - x0) / width * Double(columns))))
            if c != column { flush(); column = c }
            if low < 0 || y[k] < y[low] { low = k }
            if high < 0 || y[k] > y[high] { high = k }
        }
        flush()
        return out
    }

    /// The 1-2-5 step (1, 2, 5, 10, 20, ... times a power of ten) nearest to cutting `span` into `count` intervals.
    public static func niceStep(_ span: Double, count: Int) -> Double {
        guard span.isFinite, span > 0 else { return 1 }
        let raw = span / Double(max(count, 1))
        let magnitude = pow(10, (log10(raw)).rounded(.down))
        let f = raw / magnitude
        let m: Double = f < 1.5 ? 1 : f < 3.5 ? 2 : f < 7.5 ? 5 : 10
        return m * magnitude
    }

    /// The next 1-2-5 step above `step`.
    static func coarser(_ step: Double) -> Double {
        let magnitude = pow(10, (log10(step) + 1e-9).rounded(.down))
        let f = (step / magnitude).rounded()
        return (f < 2 ? 2 : f < 5 ? 5 : 10) * magnitude
    }

    /// The multiples of `step` from `lo` to `hi` (with a little tolerance at both ends).
    static func ticks(from lo: Double, to hi: Double, step: Double) -> [Double] {
        guard step > 0, hi >= lo else { return [] }
        let first = (lo / step - 1e-9).rounded(.up), last = (hi / step + 1e-9).rounded(.down)
        guard last >= first, last - first < 1000 else { return [] }
        return stride(from: first, through: last, by: 1).map { $0 * step }
    }

    /// Decimals that show multiples of `step` exactly.
    static func decimalsFor(_ step: Double) -> Int {
        max(0, -Int((log10(step) + 1e-9).rounded(.down)))
    }

    /// A number with `decimals` places, never "-0".
    static func fmt(_ v: Double, _ decimals: Int = 1) -> String {
        var s = String(format: "%.\(decimals)f", v)
        if s.hasPrefix("-"), s.dropFirst().allSatisfy({ $0 == "0" || $0 == "." }) { s.removeFirst() }
        return s
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

/// A small SVG writer: elements in the order given, attributes in a fixed order, text escaped.
struct SVGDocument {
    private var out: String
    private var openElements: [String] = []

    init(width: Double, height: Double) {
        out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        out += "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" width=\"\(DriftPlot.fmt(width, 0))\" "
            + "height=\"\(DriftPlot.fmt(height, 0))\" viewBox=\"0 0 \(DriftPlot.fmt(width, 0)) \(DriftPlot.fmt(height, 0))\" "
            + "font-family=\"\(DriftPlot.font)\">\n"
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
        let fx = DriftPlot.fmt(x), fy = DriftPlot.fmt(y)
        out += "<text class=\"\(cls)\" x=\"\(fx)\" y=\"\(fy)\" font-size=\"\(DriftPlot.fmt(size, 0))\" fill=\"\(fill)\" text-anchor=\"\(anchor)\""
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
            d += DriftPlot.fmt(x)
            d += " "
            d += DriftPlot.fmt(map(v))
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
