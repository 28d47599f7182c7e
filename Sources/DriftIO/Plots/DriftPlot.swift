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
/// A number as the plot writes it (`SVGDocument.number`).
private func fmt(_ v: Double, _ decimals: Int = 1) -> String { SVGDocument.number(v, decimals) }

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
        let pointShift = PlotSeries.offset(from: points, to: r)
        r.segmentDrift = r.segmentDrift.map { $0 + pointShift }
        let axes = axes(of: r)
        let w = Double(max(width, minimumWidth))
        let h = Double(max(height ?? defaultHeight(panels: axes.count), minimumHeight))
        let scales = PlotSeries.nmScales(r)
        let secondary = r.lengthUnit != .nm && axes.contains { scales[$0] != nil }
        let plotLeft = left, plotRight = w - (secondary ? rightSecondary : rightPlain)
        // Frame axis: the frames' own range, ticks inside it.
        var f0 = Double(r.frames.first!), f1 = Double(r.frames.last!)
        for f in r.frames { f0 = min(f0, Double(f)); f1 = max(f1, Double(f)) }
        if f1 <= f0 { f0 -= 0.5; f1 += 0.5 }
        let fx: (Double) -> Double = { plotLeft + ($0 - f0) / (f1 - f0) * (plotRight - plotLeft) }
        // About one tick per 110 pixels, with room for the widest label.
        var frameStep = PlotTicks.niceStep(f1 - f0, count: max(2, Int((plotRight - plotLeft) / 110)))
        let labelWidth = PlotText.textWidth(String(max(abs(r.frames.first!), abs(r.frames.last!))) + "-", size: 12) + 14
        while frameStep < f1 - f0, frameStep / (f1 - f0) * (plotRight - plotLeft) < labelWidth { frameStep = PlotTicks.coarser(frameStep) }
        let frameTicks = PlotTicks.ticks(from: f0, to: f1, step: max(frameStep, 1))
        let frameX = r.frames.map { fx(Double($0)) }
        let columns = max(1, min(Int(plotRight - plotLeft), maxLinePoints / 2))

        let coarseRaw = PlotSeries.coarseCurve(r)
        let coarseShift = PlotSeries.offset(from: coarseRaw, to: r)
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
        svg.text(PlotText.fitted("Drift of \(input)", size: 19 * 1.1, width: textRight - plotLeft), x: plotLeft, y: 30, size: 19,
                 weight: "bold", anchor: "start", cls: "title")
        var y = 54.0
        for line in PlotText.wrapped(PlotText.subtitleParts(r, axes: axes, name: name), separator: "  \u{00B7}  ", size: 13, width: textRight - plotLeft) {
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
            let itemWidth = item.swatch + PlotText.textWidth(item.text, size: 13)
            if lx > plotLeft, lx + itemWidth > textRight { lx = plotLeft; ly += 21 }
            svg.raw(item.markup(lx, ly))
            svg.text(item.text, x: lx + item.swatch, y: ly + 4.5, size: 13, fill: "#202020", anchor: "start", cls: item.cls)
            lx += itemWidth + 22
        }
        svg.close("g")
        let panelsTop = ly + 18
        let panelHeight = max(40, (h - panelsTop - bottom - gap * Double(axes.count - 1)) / Double(axes.count))

        for (n, a) in axes.enumerated() {
            DriftPlotPanel(r: r, a: a, n: n, axes: axes, panelsTop: panelsTop, panelHeight: panelHeight, plotLeft: plotLeft,
                           plotRight: plotRight, w: w, fx: fx, frameX: frameX, frameTicks: frameTicks, frameStep: frameStep,
                           columns: columns, coarse: coarse, droppedFrames: droppedFrames, scales: scales).draw(into: &svg)
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
}
