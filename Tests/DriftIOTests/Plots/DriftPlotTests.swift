import DriftIO
import Foundation
import XCTest
#if canImport(FoundationXML)
import FoundationXML
#endif

/// The plot of a hand-made result: a well-formed SVG with one panel per axis, its legend, the dropped
/// pairs, round tick labels and the same bytes every time; and the PNG librsvg renders from it.
final class DriftPlotTests: XCTestCase {
    /// 500 frames, 5 segments (one NaN sigma), 10 pairs of which 3 dropped.
    func result(threeD: Bool = false, frames: Int = 500) -> DriftResult {
        var r = DriftResult()
        r.frames = (0..<frames).map { Int64($0) }
        r.drift = r.frames.map { f in
            let t = Double(f) / Double(frames)
            return SIMD3(120 * sin(2 * .pi * t), -37.5 * t, threeD ? 18 * t * t : 0)
        }
        let s = 5
        r.segmentCentreFrame = (0..<s).map { (Double($0) + 0.5) * Double(frames) / Double(s) }
        r.segmentFirstFrame = (0..<s).map { Int64($0 * frames / s) }
        r.segmentLastFrame = (0..<s).map { Int64(($0 + 1) * frames / s - 1) }
        r.segmentCount = Array(repeating: 1000, count: s)
        r.segmentDrift = r.segmentCentreFrame.map { r.drift[Int($0)] }
        r.segmentSigma = (0..<s).map { $0 == 2 ? SIMD3(repeating: .nan) : SIMD3(2.5, 3, 4) }
        var i: [Int64] = [], j: [Int64] = []
        for a in 0..<s { for b in (a + 1)..<s { i.append(Int64(a)); j.append(Int64(b)) } }
        r.pairI = i
        r.pairJ = j
        r.pairShift = Array(repeating: .zero, count: i.count)
        r.pairWeight = Array(repeating: 1, count: i.count)
        r.pairUsed = i.indices.map { [1, 4, 8].contains($0) ? 0 : 1 }
        r.attributes = ["input": .string("/data/run <7> & co.hdf5"), "method": .string("rcc"),
                        "dims": .int(threeD ? 3 : 2), "segments": .int(Int64(s))]
        return r
    }

    /// An element of the parsed SVG: name, attributes, text and the classes of the groups around it.
    struct Element {
        var name: String
        var attributes: [String: String]
        var text = ""
        var panel: String?
        var classes: [String] { (attributes["class"] ?? "").split(separator: " ").map(String.init) }
    }

    final class Collector: NSObject, XMLParserDelegate {
        var elements: [Element] = []
        var stack: [Int] = []
        var panels: [String?] = []
        func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
                    attributes: [String: String] = [:]) {
            let panel = attributes["class"] == "panel" ? attributes["id"] : panels.last ?? nil
            panels.append(panel)
            elements.append(Element(name: name, attributes: attributes, panel: panel))
            stack.append(elements.count - 1)
        }
        func parser(_ parser: XMLParser, foundCharacters string: String) {
            if let k = stack.last { elements[k].text += string }
        }
        func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
            stack.removeLast()
            panels.removeLast()
        }
    }

    /// Parses `svg`, failing the test when it is not well-formed XML.
    func parse(_ svg: String, file: StaticString = #filePath, line: UInt = #line) -> [Element] {
        let parser = XMLParser(data: Data(svg.utf8))
        let collector = Collector()
        parser.delegate = collector
        XCTAssertTrue(parser.parse(), "not well-formed: \(String(describing: parser.parserError))", file: file, line: line)
        return collector.elements
    }

    func texts(_ elements: [Element], class cls: String) -> [Element] {
        elements.filter { $0.name == "text" && $0.classes.contains(cls) }
    }

    func testTwoDimensionalPlotIsWellFormedWithTwoPanelsLegendAndDroppedPairs() throws {
        let svg = try DriftPlot.svg(result(), width: 900, name: "r.h5")
        let elements = parse(svg)
        XCTAssertEqual(elements.first?.name, "svg")
        XCTAssertEqual(elements.first?.attributes["width"], "900")
        XCTAssertEqual(elements.first?.attributes["height"], String(DriftPlot.defaultHeight(panels: 2)))
        let panels = elements.filter { $0.name == "g" && $0.attributes["class"] == "panel" }
        XCTAssertEqual(panels.map { $0.attributes["id"] }, ["panel-x", "panel-y"])
        XCTAssertEqual(texts(elements, class: "title").first?.text, "Drift of run <7> & co.hdf5")
        let subtitle = try XCTUnwrap(texts(elements, class: "subtitle").first?.text)
        XCTAssertTrue(subtitle.contains("RCC") && subtitle.contains("5 segments") && subtitle.contains("10 pairs"), subtitle)
        let legend = texts(elements, class: "legend-text").map(\.text)
        XCTAssertTrue(legend.contains("drift at every frame"), "\(legend)")
        XCTAssertTrue(legend.contains("segment \u{00B1} 1\u{03C3}"), "\(legend)")
        XCTAssertEqual(texts(elements, class: "dropped-count").map(\.text), ["dropped pair: 3 of 10 pairs dropped"])
        let labels = texts(elements, class: "axis-label").map(\.text)
        XCTAssertEqual(labels, ["x drift (nm)", "y drift (nm)", "frame"])
        // One tick per dropped pair in each panel, at the middle of its segments.
        for panel in ["panel-x", "panel-y"] {
            let d = try XCTUnwrap(elements.first { $0.panel == panel && $0.classes.contains("dropped") }?.attributes["d"])
            XCTAssertEqual(d.filter { $0 == "M" }.count, 3, d)
            // Four segments have error bars (three strokes each), the one with a NaN sigma none.
            let bars = try XCTUnwrap(elements.first { $0.panel == panel && $0.classes.contains("sigma") }?.attributes["d"])
            XCTAssertEqual(bars.filter { $0 == "M" }.count, 4 * 3, bars)
            XCTAssertEqual(elements.filter { $0.panel == panel && $0.name == "circle" }.count, 5)
        }
        // The colours of the panels' lines.
        let lines = elements.filter { $0.name == "path" && $0.classes.contains("drift") }
        XCTAssertEqual(lines.map { $0.attributes["stroke"] }, ["#0072B2", "#D55E00"])
        XCTAssertTrue(svg.contains("font-family=\"DejaVu Sans, Helvetica, Arial, sans-serif\""))
    }

    func testThreeDimensionalResultsGetAZPanel() throws {
        let elements = parse(try DriftPlot.svg(result(threeD: true)))
        XCTAssertEqual(elements.filter { $0.attributes["class"] == "panel" }.map { $0.attributes["id"] },
                       ["panel-x", "panel-y", "panel-z"])
        XCTAssertEqual(elements.first?.attributes["height"], String(DriftPlot.defaultHeight(panels: 3)))
        // A non-zero z makes a result 3D without the attribute; dims = 2 and z = 0 do not.
        var r = result(threeD: true)
        r.attributes["dims"] = nil
        XCTAssertEqual(DriftPlot.axes(of: r), [0, 1, 2])
        XCTAssertEqual(DriftPlot.axes(of: result()), [0, 1])
    }

    func testTickLabelsAreRoundNumbersInOneTwoFiveSteps() throws {
        for r in [result(), result(threeD: true), result(frames: 12_345)] {
            let elements = parse(try DriftPlot.svg(r))
            var groups: [String: [Double]] = [:]
            for t in texts(elements, class: "tick-label") {
                let key = (t.panel ?? "") + (t.classes.contains("frame") ? "/frame" : "")
                groups[key, default: []].append(try XCTUnwrap(Double(t.text), t.text))
            }
            XCTAssertEqual(groups.count, DriftPlot.axes(of: r).count + 1, "\(groups.keys)")
            for (key, values) in groups {
                XCTAssertGreaterThanOrEqual(values.count, 3, key)
                let steps = zip(values.dropFirst(), values).map { abs($0 - $1) }
                let step = steps[0]
                for s in steps { XCTAssertEqual(s, step, accuracy: step * 1e-9, "\(key): \(values)") }
                let magnitude = pow(10, log10(step).rounded(.down))
                XCTAssertTrue([1.0, 2, 5].contains { abs(step / magnitude - $0) < 1e-9 }, "\(key): step \(step)")
                for v in values {
                    XCTAssertEqual((v / step).rounded(), v / step, accuracy: 1e-6, "\(key): \(v) is not a multiple of \(step)")
                }
            }
        }
    }

    func testSameResultGivesTheSameBytes() throws {
        XCTAssertEqual(try DriftPlot.svg(result(threeD: true)), try DriftPlot.svg(result(threeD: true)))
        let svg = try DriftPlot.svg(result())
        XCTAssertEqual(try DriftPlot.png(svg: svg, width: 1000, height: 630), try DriftPlot.png(svg: svg, width: 1000, height: 630))
    }

    func testPNGHasTheSignatureAndTheRequestedSize() throws {
        let svg = try DriftPlot.svg(result(threeD: true), width: 800, height: 700)
        let png = try DriftPlot.png(svg: svg, width: 800, height: 700)
        XCTAssertEqual(Array(png.prefix(8)), [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
        XCTAssertEqual(String(decoding: png[12..<16], as: UTF8.self), "IHDR")
        func u32(_ at: Int) -> Int { png[at..<(at + 4)].reduce(0) { $0 << 8 | Int($1) } }
        XCTAssertEqual(u32(16), 800)
        XCTAssertEqual(u32(20), 700)
        // Not blank: a white page with dark text and coloured lines is far larger than an empty one.
        XCTAssertGreaterThan(png.count, 10_000)
        XCTAssertThrowsError(try DriftPlot.png(svg: "<svg", width: 100, height: 100, path: "bad.png")) { e in
            XCTAssertTrue(String(describing: e).hasPrefix("bad.png: cannot render the plot as PNG"), "\(e)")
        }
    }

    func testWriteMakesBothFilesWhole() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let height = try DriftPlot.write(result(), resultPath: "r.h5", svgPath: dir.file("p.svg"), pngPath: dir.file("p.png"),
                                         width: 640)
        XCTAssertEqual(height, DriftPlot.defaultHeight(panels: 2))
        let svg = try String(contentsOfFile: dir.file("p.svg"), encoding: .utf8)
        XCTAssertEqual(svg, try DriftPlot.svg(result(), width: 640, height: height, path: "r.h5"))
        let png = try Data(contentsOf: URL(fileURLWithPath: dir.file("p.png")))
        XCTAssertEqual(png.prefix(4), Data([0x89, 0x50, 0x4E, 0x47]))
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted(), ["p.png", "p.svg"])
        // Nothing to plot: an error naming the result, no file written.
        XCTAssertThrowsError(try DriftPlot.write(DriftResult(), resultPath: "empty.h5", svgPath: dir.file("e.svg"), pngPath: nil)) { e in
            XCTAssertEqual(String(describing: e), "empty.h5: no drift to plot (/drift/frame is empty)")
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir.file("e.svg")))
    }

    func testMillionFramesAreReducedKeepingSpikes() throws {
        var r = result(frames: 1_000_000)
        r.drift[500_000].x = 900
        let elements = parse(try DriftPlot.svg(r))
        let line = try XCTUnwrap(elements.first { $0.panel == "panel-x" && $0.classes.contains("drift") })
        let d = try XCTUnwrap(line.attributes["d"])
        let points = d.filter { $0 == "L" || $0 == "M" }.count
        XCTAssertLessThanOrEqual(points, DriftPlot.maxLinePoints)
        XCTAssertGreaterThan(points, 500)
        // The spike (900 nm; the rest stays within 120 nm) is the highest point of the line: above the
        // highest tick below 900 nm.
        let ys = d.split(whereSeparator: { $0 == "M" || $0 == "L" }).compactMap { Double($0.split(separator: " ")[1]) }
        let below = texts(elements, class: "tick-label").filter { $0.panel == "panel-x" && Double($0.text)! < 900 }
        let tick = try XCTUnwrap(below.max { Double($0.text)! < Double($1.text)! })
        XCTAssertGreaterThan(Double(tick.text)!, 120)
        XCTAssertLessThan(ys.min()!, Double(tick.attributes["y"]!)! - 4.3)
    }

    func testPixelResultsShowPixelsAndNanometres() throws {
        var r = result()
        r.unit = "px"
        r.drift = r.drift.map { $0 / 100 }
        r.driftNm = r.drift.map { $0 * SIMD3(108, 108, 250) }
        r.segmentDrift = r.segmentDrift.map { $0 / 100 }
        r.segmentSigma = r.segmentSigma.map { $0 / 100 }
        r.attributes["voxel_size_nm"] = .string("108.0,108.0,250.0")
        let elements = parse(try DriftPlot.svg(r))
        XCTAssertEqual(texts(elements, class: "axis-label").map(\.text),
                       ["x drift (px)", "x drift (nm)", "y drift (px)", "y drift (nm)", "frame"])
        XCTAssertFalse(texts(elements, class: "secondary").isEmpty)
    }
}
