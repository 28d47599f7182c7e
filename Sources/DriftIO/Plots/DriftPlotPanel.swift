import DriftCore
import Foundation

/// A number as the plot writes it (`SVGDocument.number`).
private func fmt(_ v: Double, _ decimals: Int = 1) -> String { SVGDocument.number(v, decimals) }

/// One panel of a drift plot (`DriftPlot.svg`): the drift along axis `a` against frame, with its grid,
/// the coarse line, the segment points and their error bars, the dropped pairs, the value axis (and a
/// secondary nm axis for results in pixels), and the frame axis under the last panel. Positions are
/// SVG pixels; values are in the result's unit.
struct DriftPlotPanel {
    /// The result (segment drifts already shifted onto /drift).
    var r: DriftResult
    /// The axis drawn (0, 1, 2: x, y, z), the panel's place from the top, and every axis drawn.
    var a: Int
    var n: Int
    var axes: [Int]
    /// Where the first panel starts, and each panel's height.
    var panelsTop: Double
    var panelHeight: Double
    /// The plot area's left and right edge, and the document's width.
    var plotLeft: Double
    var plotRight: Double
    var w: Double
    /// The x of a frame, the x of every frame of `/drift`, the frame ticks and their step.
    var fx: (Double) -> Double
    var frameX: [Double]
    var frameTicks: [Double]
    var frameStep: Double
    /// The pixel columns a long line is reduced to (`PlotSeries.decimated`).
    var columns: Int
    /// The coarse drift before the refinement (aligned), the frames of the dropped pairs, and nm per
    /// result unit on each axis (nil: unknown).
    var coarse: [(frame: Double, value: SIMD3<Double>)]
    var droppedFrames: [Double]
    var scales: [Double?]

    func draw(into svg: inout SVGDocument) {
        let py0 = panelsTop + Double(n) * (panelHeight + DriftPlot.gap), py1 = py0 + panelHeight
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
        var step = PlotTicks.niceStep(hi - lo, count: max(2, Int(panelHeight / 48)))
        var axisLo = (lo / step).rounded(.down) * step, axisHi = (hi / step).rounded(.up) * step
        while (axisHi - axisLo) / step * 17 > panelHeight, (axisHi - axisLo) / step > 1 {
            step = PlotTicks.coarser(step)
            axisLo = (lo / step).rounded(.down) * step; axisHi = (hi / step).rounded(.up) * step
        }
        let vy: (Double) -> Double = { py1 - ($0 - axisLo) / (axisHi - axisLo) * (py1 - py0) }

        svg.open("g", ["class": "panel", "id": "panel-\(DriftPlot.axisNames[a])"])
        svg.raw("<clipPath id=\"clip-\(DriftPlot.axisNames[a])\"><rect x=\"\(fmt(plotLeft))\" y=\"\(fmt(py0))\" width=\"\(fmt(plotRight - plotLeft))\" height=\"\(fmt(py1 - py0))\"/></clipPath>")
        // Grid.
        var grid = ""
        for t in frameTicks { grid += "M\(fmt(fx(t))) \(fmt(py0))V\(fmt(py1))" }
        let valueTicks = PlotTicks.ticks(from: axisLo, to: axisHi, step: step)
        for t in valueTicks { grid += "M\(fmt(plotLeft)) \(fmt(vy(t)))H\(fmt(plotRight))" }
        svg.raw("<path d=\"\(grid)\" stroke=\"#E6E6E6\" stroke-width=\"1\" fill=\"none\"/>")
        if axisLo < 0, axisHi > 0 {
            svg.raw("<path d=\"M\(fmt(plotLeft)) \(fmt(vy(0)))H\(fmt(plotRight))\" stroke=\"#B0B0B0\" stroke-width=\"1\" fill=\"none\"/>")
        }

        // Data, clipped to the panel.
        svg.open("g", ["clip-path": "url(#clip-\(DriftPlot.axisNames[a]))"])
        if !coarse.isEmpty {
            let line = PlotSeries.decimated(x: coarse.map { fx($0.frame) }, y: coarse.map { $0.value[a] }, columns: columns,
                                 x0: plotLeft, x1: plotRight)
            svg.path(line, map: vy, attributes: "stroke=\"\(DriftPlot.axisColours[a])\" stroke-opacity=\"0.4\" stroke-width=\"1.5\" stroke-dasharray=\"5 3\" fill=\"none\" class=\"coarse\"")
        }
        let line = PlotSeries.decimated(x: frameX, y: values, columns: columns, x0: plotLeft, x1: plotRight)
        svg.path(line, map: vy, attributes: "stroke=\"\(DriftPlot.axisColours[a])\" stroke-width=\"1.6\" stroke-linejoin=\"round\" fill=\"none\" class=\"drift\"")
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
            svg.raw("<g class=\"segments\" fill=\"\(DriftPlot.axisColours[a])\" stroke=\"#FFFFFF\" stroke-width=\"0.8\">\(points)</g>")
        }
        svg.close("g")

        // Dropped pairs: ticks rising from the frame axis.
        if !droppedFrames.isEmpty {
            var d = ""
            for f in droppedFrames { d += "M\(fmt(fx(f))) \(fmt(py1))V\(fmt(py1 - 9))" }
            svg.raw("<path class=\"dropped\" d=\"\(d)\" stroke=\"\(DriftPlot.droppedColour)\" stroke-width=\"1.5\" fill=\"none\"/>")
        }

        // Frame and tick marks.
        svg.raw("<rect x=\"\(fmt(plotLeft))\" y=\"\(fmt(py0))\" width=\"\(fmt(plotRight - plotLeft))\" height=\"\(fmt(py1 - py0))\" fill=\"none\" stroke=\"#404040\" stroke-width=\"1\"/>")
        var marks = ""
        for t in valueTicks { marks += "M\(fmt(plotLeft - 5)) \(fmt(vy(t)))H\(fmt(plotLeft))" }
        for t in frameTicks { marks += "M\(fmt(fx(t))) \(fmt(py1))V\(fmt(py1 + 5))" }
        svg.raw("<path d=\"\(marks)\" stroke=\"#404040\" stroke-width=\"1\" fill=\"none\"/>")
        let decimals = PlotTicks.decimals(for: step)
        for t in valueTicks {
            svg.text(fmt(t, decimals), x: plotLeft - 8, y: vy(t) + 4.3, size: 12, fill: "#202020", anchor: "end", cls: "tick-label")
        }
        let unit = PlotSeries.axisUnit(r, axis: a)
        svg.text(PlotText.axisLabel(DriftPlot.axisNames[a], unit, room: py1 - py0), x: 22, y: (py0 + py1) / 2, size: 14, fill: DriftPlot.axisColours[a],
                 weight: "bold", anchor: "middle", rotate: true, cls: "axis-label")

        // Secondary nm axis for results in pixels.
        if r.lengthUnit != .nm, let scale = scales[a] {
            let nLo = axisLo * scale, nHi = axisHi * scale
            var nStep = PlotTicks.niceStep(abs(nHi - nLo), count: max(2, Int(panelHeight / 48)))
            while abs(nHi - nLo) / nStep * 17 > panelHeight, abs(nHi - nLo) / nStep > 1 { nStep = PlotTicks.coarser(nStep) }
            let (a0, a1) = (min(nLo, nHi), max(nLo, nHi))
            var nmMarks = ""
            let nmTicks = PlotTicks.ticks(from: a0, to: a1, step: nStep)
            for t in nmTicks { nmMarks += "M\(fmt(plotRight)) \(fmt(vy(t / scale)))H\(fmt(plotRight + 5))" }
            svg.raw("<path d=\"\(nmMarks)\" stroke=\"#404040\" stroke-width=\"1\" fill=\"none\"/>")
            for t in nmTicks {
                svg.text(fmt(t, PlotTicks.decimals(for: nStep)), x: plotRight + 8, y: vy(t / scale) + 4.3, size: 12, fill: "#202020",
                         anchor: "start", cls: "tick-label secondary")
            }
            svg.text(PlotText.axisLabel(DriftPlot.axisNames[a], "nm", room: py1 - py0), x: w - 14, y: (py0 + py1) / 2, size: 14, fill: DriftPlot.axisColours[a],
                     anchor: "middle", rotate: true, cls: "axis-label secondary")
        }
        // Frame tick labels under the last panel.
        if n == axes.count - 1 {
            for t in frameTicks {
                svg.text(fmt(t, PlotTicks.decimals(for: max(frameStep, 1))), x: fx(t), y: py1 + 21, size: 12, fill: "#202020",
                         anchor: "middle", cls: "tick-label frame")
            }
            svg.text("frame", x: (plotLeft + plotRight) / 2, y: py1 + 46, size: 14, fill: "#202020", anchor: "middle",
                     cls: "axis-label frame")
        }
        svg.close("g")
    }
}
