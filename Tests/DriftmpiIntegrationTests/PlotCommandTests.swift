import DriftIO
import DriftTestSupport
import Foundation
import XCTest
#if canImport(FoundationXML)
import FoundationXML
#endif

/// `driftmpi plot` run as the built binary under mpirun with 2 ranks: rank 0 draws, every rank exits
/// with the same code, and the files appear whole.
final class PlotCommandTests: XCTestCase {
    /// A scratch directory with sim.hdf5 and its estimate e.h5, made once for the class.
    static let data: TemporaryDirectory = {
        let dir = try! TemporaryDirectory.simulated("plot", seed: 17)
        let r = try! dir.run(["estimate", "sim.hdf5", "-o", "e.h5", "--quiet"], ranks: 2, timeout: 300)
        XCTAssertEqual(r.status, 0, r.stderr)
        return dir
    }()

    override class func tearDown() { data.remove() }

    func run(_ args: [String], ranks: Int = 2) throws -> DriftmpiProcess.Outcome {
        let r = try Self.data.run(args, ranks: ranks, timeout: 120)
        XCTAssertFalse(r.timedOut, "\(args) hung")
        return r
    }

    func testPlotWritesSVGAndPNG() throws {
        let r = try run(["plot", "e.h5", "-o", "drift.svg", "--png", "drift.png", "--width", "1200", "--height", "700"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(r.stdout.components(separatedBy: "plotted the drift").count, 2, "rank 0 prints one line: \(r.stdout)")
        XCTAssertTrue(r.stdout.contains("1200 x 700 px: drift.svg, drift.png"), r.stdout)
        let svg = try Self.data.contents(of: "drift.svg")
        let parser = XMLParser(data: svg)
        XCTAssertTrue(parser.parse(), "drift.svg is not well-formed XML")
        let text = String(decoding: svg, as: UTF8.self)
        XCTAssertTrue(text.contains("width=\"1200\" height=\"700\""))
        XCTAssertTrue(text.contains(">Drift of sim.hdf5</text>"), "the title names the input")
        XCTAssertTrue(text.contains("id=\"panel-x\"") && text.contains("id=\"panel-y\"") && !text.contains("id=\"panel-z\""))
        XCTAssertTrue(text.contains(">x drift (nm)</text>"))
        let result = try Self.data.result("e.h5")
        let dropped = result.pairUsed.filter { $0 == 0 }.count
        XCTAssertTrue(text.contains("\(dropped) of \(result.pairI.count) pairs dropped"))
        if !result.fineCentreFrame.isEmpty { XCTAssertTrue(text.contains("coarse, before refinement")) }

        let png = [UInt8](try Self.data.contents(of: "drift.png"))
        XCTAssertEqual(Array(png.prefix(8)), [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
        func u32(_ at: Int) -> Int { png[at..<(at + 4)].reduce(0) { $0 << 8 | Int($1) } }
        XCTAssertEqual(u32(16), 1200)
        XCTAssertEqual(u32(20), 700)
        // The same result gives the same SVG; no temporary files are left.
        XCTAssertEqual(try run(["plot", "e.h5", "-o", "again.svg", "--width", "1200", "--height", "700"], ranks: 0).status, 0)
        XCTAssertEqual(try Self.data.contents(of: "again.svg"), svg)
        let left = try Self.data.names().filter { $0.hasSuffix(".part") }
        XCTAssertEqual(left, [])
    }

    func testMissingInputIsOneErrorLineAndExitOne() throws {
        let r = try run(["plot", "missing.h5", "-o", "m.svg", "--png", "m.png"])
        XCTAssertEqual(r.status, 1, r.stderr)
        XCTAssertEqual(r.errorLines, ["driftmpi: error: missing.h5: no such file"], r.stderr)
        XCTAssertFalse(Self.data.exists("m.svg"))
        XCTAssertFalse(Self.data.exists("m.png"))
    }

    func testNotAResultAndBadOptionsAreRefused() throws {
        let notResult = try run(["plot", "sim.hdf5", "-o", "n.svg"])
        XCTAssertEqual(notResult.status, 1, notResult.stderr)
        XCTAssertEqual(notResult.errorLines.count, 1, notResult.stderr)
        XCTAssertTrue(notResult.errorLines.first?.hasPrefix("driftmpi: error: sim.hdf5: ") ?? false, notResult.stderr)
        XCTAssertFalse(Self.data.exists("n.svg"))
        // A PNG given as the SVG output, and a size too small: usage errors (64).
        XCTAssertEqual(try run(["plot", "e.h5", "-o", "x.png"], ranks: 0).status, 64)
        XCTAssertEqual(try run(["plot", "e.h5", "-o", "x.svg", "--width", "50"], ranks: 0).status, 64)
    }
}
