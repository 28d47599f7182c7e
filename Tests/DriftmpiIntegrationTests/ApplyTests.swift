import DriftCore
import DriftIO
import DriftTestSupport
import Foundation
import XCTest

/// `estimate` and `apply` on every localisation format, on files written by the real tools'
/// libraries (Tests/Fixtures/localisations): the drift found, the corrected files (the same at 1 and
/// 3 ranks, every other column unchanged, the input untouched) and what re-estimation finds in them.
final class ApplyTests: XCTestCase {
    static let fixtures = Fixtures.path("localisations")
    var dir: TemporaryDirectory!

    override func setUp() { dir = TemporaryDirectory("apply") }

    override func tearDown() { dir.remove() }

    struct Case {
        var file: String
        var options: [String] = []
        var table = TableOptions()
    }

    static var cases: [Case] {
        var plain = TableOptions()
        plain.columns = ["x": "xpos_px", "y": "ypos_px", "frame": "frame_no"]
        plain.unitsArePixels = true
        plain.pixelSizeNm = 100
        return [
            Case(file: "pyme_fitresults.h5r"),
            Case(file: "pyme_localizations.hdf"),
            Case(file: "thunderstorm.csv"),
            Case(file: "plain_px.csv", options: ["--columns", "x=xpos_px,y=ypos_px,frame=frame_no", "--units", "px", "--pixel-size-nm", "100"], table: plain),
        ]
    }

    @discardableResult
    func run(_ args: [String], ranks: Int = 0) throws -> DriftmpiProcess.Outcome {
        let r = try dir.run(args + ["--quiet"], ranks: ranks, timeout: 300)
        XCTAssertEqual(r.status, 0, "\(args): \(r.stderr)")
        return r
    }

    func testEstimateThenApplyOnEveryFormat() throws {
        for c in Self.cases {
            let input = Self.fixtures + "/" + c.file
            let stem = (c.file as NSString).deletingPathExtension, ext = (c.file as NSString).pathExtension
            let before = try Data(contentsOf: URL(fileURLWithPath: input))
            try run(["estimate", input, "-o", "\(stem).h5", "--segment-frames", "200",
                     "--truth", Self.fixtures + "/\(stem)_truth.csv"] + c.options)
            let result = try dir.result("\(stem).h5")
            guard case .double(let rmseX) = result.attributes["rmse_vs_truth_x_nm"]!,
                  case .double(let rmseY) = result.attributes["rmse_vs_truth_y_nm"]! else { return XCTFail("no RMSE") }
            XCTAssertLessThan(max(rmseX, rmseY), 2, c.file)
            for ranks in [1, 3] {
                try run(["apply", "\(stem).h5", input, "-o", "\(stem)_\(ranks).\(ext)"] + c.options, ranks: ranks)
            }
            let one = try dir.contents(of: "\(stem)_1.\(ext)")
            XCTAssertEqual(one, try dir.contents(of: "\(stem)_3.\(ext)"), "\(c.file): 1 and 3 ranks")
            XCTAssertEqual(before, try Data(contentsOf: URL(fileURLWithPath: input)), "\(c.file): input untouched")
            // estimate --write-corrected at 2 ranks (rows split by segments) writes the same file.
            try run(["estimate", input, "-o", "\(stem)_2.h5", "--segment-frames", "200", "--write-corrected", "\(stem)_w.\(ext)"] + c.options, ranks: 2)
            if ext == "csv" {
                XCTAssertEqual(one, try dir.contents(of: "\(stem)_w.\(ext)"), "\(c.file): --write-corrected")
            } else {
                // The same table; the provenance attributes differ (estimate records its parameters).
                let a = try LocalisationTables.open(dir.file("\(stem)_1.\(ext)")) as! PYMETable
                let w = try LocalisationTables.open(dir.file("\(stem)_w.\(ext)")) as! PYMETable
                XCTAssertEqual(try a.table.readRecords(rows: 0..<a.rowCount, type: a.table.fileType().native()),
                               try w.table.readRecords(rows: 0..<w.rowCount, type: w.table.fileType().native()), "\(c.file): --write-corrected")
            }

            // What is left: (corrected - true position) = truth - estimate, no worse than the estimate.
            let raw = try LocalisationTables.open(input, options: c.table)
            let fixed = try LocalisationTables.open(dir.file("\(stem)_1.\(ext)"), options: c.table)
            XCTAssertEqual(fixed.rowCount, raw.rowCount)
            XCTAssertEqual(fixed.format, raw.format)
            let a = try raw.read(rows: 0..<raw.rowCount, threeD: true), b = try fixed.read(rows: 0..<raw.rowCount, threeD: true)
            XCTAssertEqual(a.frame, b.frame)
            let truth = try TruthCSV.read(path: Self.fixtures + "/\(stem)_truth.csv")
            var residual: [SIMD2<Double>] = []
            for k in a.frame.indices {
                let t = truth.drift[Int(a.frame[k]) - truth.frames[0]]
                let removed = SIMD2(Double(a.x[k] - b.x[k]), Double(a.y[k] - b.y[k]))
                residual.append(SIMD2(t.x, t.y) - removed)
            }
            let mean = residual.reduce(.zero, +) / Double(residual.count)
            let rms = (residual.map { ($0 - mean) * ($0 - mean) }.reduce(.zero, +) / Double(residual.count)).squareRoot()
            XCTAssertLessThanOrEqual(rms.x, rmseX * 1.2 + 0.05, c.file)
            XCTAssertLessThanOrEqual(rms.y, rmseY * 1.2 + 0.05, c.file)

            // Re-estimated, the corrected file has next to no drift.
            try run(["estimate", "\(stem)_1.\(ext)", "-o", "\(stem)_again.h5", "--segment-frames", "200"] + c.options)
            let again = try dir.result("\(stem)_again.h5")
            let largest = again.drift.map { max(abs($0.x), abs($0.y)) }.max()!
            XCTAssertLessThan(largest, 3, "\(c.file): drift left after correction")
        }
    }

    func testOtherColumnsAreUnchanged() throws {
        try writeDrift("ramp.h5", frames: 0...1999, base: 0) { SIMD3(Double($0) / 10, -Double($0) / 20, 0.25) }
        // PYME: every member but the coordinates is the input's, value for value.
        for name in ["pyme_fitresults.h5r", "pyme_localizations.hdf"] {
            let out = "c_" + name
            try run(["apply", "ramp.h5", Self.fixtures + "/" + name, "-o", out], ranks: 2)
            let a = try LocalisationTables.open(Self.fixtures + "/" + name) as! PYMETable
            let b = try LocalisationTables.open(dir.file(out)) as! PYMETable
            let coordinates = Set((0..<3).compactMap { a.coordinateColumn(axis: $0)?.name })
            for m in a.table.leafMembers where !coordinates.contains(m.name) {
                XCTAssertEqual(try a.table.readColumn(m.name, rows: 0..<a.rowCount, as: Double.self),
                               try b.table.readColumn(m.name, rows: 0..<b.rowCount, as: Double.self), "\(name): \(m.name)")
            }
            let file = try HDF5File.openReadOnly(dir.file(out))
            XCTAssertEqual(try file.stringAttribute("driftmpi_drift_file"), dir.file("ramp.h5"))
            XCTAssertTrue(file.exists("/MetaData"))
            // x = raw - frame / 10, y = raw + frame / 20, z = raw - 0.25 (3D tables only).
            let x = try a.read(rows: 0..<a.rowCount, threeD: true), y = try b.read(rows: 0..<b.rowCount, threeD: true)
            for k in stride(from: 0, to: x.count, by: 1009) {
                let f = Float(x.frame[k])
                XCTAssertEqual(y.x[k], x.x[k] - f / 10, accuracy: 2e-3)
                XCTAssertEqual(y.y[k], x.y[k] + f / 20, accuracy: 2e-3)
                if a.hasZ { XCTAssertEqual(y.z![k], x.z![k] - 0.25, accuracy: 1e-4) }
            }
        }
        // CSV: every other field byte for byte.
        try run(["apply", "ramp.h5", Self.fixtures + "/thunderstorm.csv", "-o", "c.csv"], ranks: 3)
        let a = try String(contentsOfFile: Self.fixtures + "/thunderstorm.csv", encoding: .utf8).split(separator: "\n")
        let b = try dir.text(of: "c.csv").split(separator: "\n")
        XCTAssertEqual(a.count, b.count)
        XCTAssertEqual(a[0], b[0])
        for k in 1..<a.count {
            let fa = a[k].split(separator: ","), fb = b[k].split(separator: ",")
            XCTAssertEqual(fa[0..<2], fb[0..<2])
            XCTAssertEqual(fa[5...], fb[5...])
            // ThunderSTORM frames count from 1; the drift file's from 0.
            let f = Double(fa[1])! - 1
            XCTAssertEqual(Double(fb[2])!, Double(fa[2])! - f / 10, accuracy: 1e-5)
            XCTAssertEqual(Double(fb[3])!, Double(fa[3])! + f / 20, accuracy: 1e-5)
            XCTAssertEqual(Double(fb[4])!, Double(fa[4])! - 0.25, accuracy: 1e-5)
        }
    }

    func testDriftMustCoverTheFramesUnlessHeld() throws {
        try writeDrift("short.h5", frames: 0...999, base: 0) { SIMD3(Double($0), 0, 0) }
        let input = Self.fixtures + "/pyme_fitresults.h5r"
        for ranks in [1, 3] {
            let r = try dir.run(["apply", "short.h5", input, "-o", "out.h5r"], ranks: ranks, timeout: 30)
            XCTAssertEqual(r.status, 1)
            XCTAssertEqual(r.errorLines.count, 1, r.stderr)
            XCTAssertTrue(r.errorLines.first?.contains("\(input): frame 1000 lies outside the drift in short.h5 (frames 0-999 in this file's numbering); use --extrapolate hold") ?? false, r.stderr)
            XCTAssertEqual(try dir.names().filter { $0.contains("out") }, [])
        }
        let r = try run(["apply", "short.h5", input, "-o", "out.h5r", "--extrapolate", "hold"], ranks: 2)
        XCTAssertTrue(r.stdout.contains("took its end values"), r.stdout)
        let a = try LocalisationTables.open(input).read(rows: 0..<13121, threeD: false)
        let b = try LocalisationTables.open(dir.file("out.h5r")).read(rows: 0..<13121, threeD: false)
        for k in stride(from: 0, to: a.count, by: 613) {
            XCTAssertEqual(b.x[k], a.x[k] - Float(min(a.frame[k], 999)), accuracy: 2e-3)
        }
    }

    func testApplyMatchesWriteCorrectedOnPicasso() throws {
        let sim = try TemporaryDirectory.simulated("apply-picasso", seed: 8)
        defer { sim.remove() }
        let r = try sim.run(["estimate", "sim.hdf5", "-o", "d.h5", "--write-corrected", "w.hdf5", "--quiet"], ranks: 2)
        XCTAssertEqual(r.status, 0, r.stderr)
        let a = try sim.run(["apply", "d.h5", "sim.hdf5", "-o", "a.hdf5", "--quiet"], ranks: 3)
        XCTAssertEqual(a.status, 0, a.stderr)
        let w = try PicassoFile(path: sim.file("w.hdf5")), c = try PicassoFile(path: sim.file("a.hdf5"))
        XCTAssertEqual(try c.table.readRecords(rows: 0..<c.rowCount, type: c.table.fileType().native()),
                       try w.table.readRecords(rows: 0..<w.rowCount, type: w.table.fileType().native()))
        let yaml = try sim.text(of: "a.yaml")
        XCTAssertTrue(yaml.contains("Generated by: driftmpi \(DriftmpiVersion.string) apply"), yaml)
        XCTAssertEqual(c.metadata, w.metadata)
    }

    func testBadFilesOfEveryFormat() throws {
        let bad = Self.fixtures + "/bad"
        let cases: [(String, String)] = [
            ("truncated.h5r", "cannot open the HDF5 file (damaged or truncated?)"),
            ("no_fitresults.h5r", "no localisation table"),
            ("wrong_type.hdf", "column 'x' of table 'Localizations' is not numeric"),
            ("missing_column.csv", "no column 'y [nm]' in the header"),
            ("non_numeric.csv", "line 6, column 'x [nm]': 'abc' is not a number"),
            ("empty.csv", "the file is empty"),
            ("header_only.csv", "no rows after the header"),
        ]
        try writeDrift("d.h5", frames: 0...10, base: 0) { _ in .zero }
        for (name, problem) in cases {
            for ranks in [1, 3] {
                for command in [["estimate", bad + "/" + name, "-o", "r.h5"], ["apply", "d.h5", bad + "/" + name, "-o", "r." + (name as NSString).pathExtension]] {
                    let r = try dir.run(command, ranks: ranks, timeout: 30)
                    XCTAssertFalse(r.timedOut)
                    XCTAssertEqual(r.status, 1, "\(command) \(ranks)")
                    XCTAssertEqual(r.errorLines.count, 1, "\(command): \(r.stderr)")
                    XCTAssertTrue(r.errorLines.first?.hasPrefix("driftmpi: error: \(bad)/\(name): \(problem)") ?? false, "\(command): \(r.stderr)")
                    XCTAssertEqual(try dir.names().filter { $0.hasPrefix("r.") || $0.hasPrefix(".r.") }, [])
                }
            }
        }
    }

    /// A drift file with `drift(frame)` at every frame of `frames`.
    func writeDrift(_ name: String, frames: ClosedRange<Int>, base: Int, _ drift: (Int) -> SIMD3<Double>) throws {
        var part = DriftResultPart(totalFrames: frames.count, totalSegments: 0, totalPairs: 0)
        part.frames = frames.map { Int64($0) }
        part.drift = frames.map(drift)
        try DriftResultWriter.write(part, attributes: [("frame_base", .int(Int64(base))), ("dims", .int(3))],
                                    to: dir.file(name), access: .serial)
    }
}
