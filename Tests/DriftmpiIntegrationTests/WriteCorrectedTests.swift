import DriftCore
import DriftIO
import DriftTestSupport
import Foundation
import XCTest

/// `--write-corrected`: every rank writes its own rows of one corrected Picasso file.
final class WriteCorrectedTests: XCTestCase {
    func testCorrectedLocalisationsKeepEveryColumnAndLoseTheDrift() throws {
        let dir = try TemporaryDirectory.simulated("corrected", seed: 5)
        defer { dir.remove() }
        for ranks in [1, 3] {
            let r = try dir.run(["estimate", "sim.hdf5", "-o", "d\(ranks).h5", "--write-corrected", "c\(ranks).hdf5", "--quiet"],
                                ranks: ranks)
            XCTAssertEqual(r.status, 0, r.stderr)
        }
        let a = try dir.contents(of: "c1.hdf5")
        let input = try PicassoFile(path: dir.file("sim.hdf5"))
        let out = try PicassoFile(path: dir.file("c1.hdf5"))
        let three = try PicassoFile(path: dir.file("c3.hdf5"))
        XCTAssertGreaterThan(a.count, 0)
        XCTAssertEqual(out.rowCount, input.rowCount)
        XCTAssertEqual(out.metadata, input.metadata)
        let rows = 0..<input.rowCount
        let raw = try input.read(rows: rows), fixed = try out.read(rows: rows), fixed3 = try three.read(rows: rows)
        XCTAssertEqual(fixed.x, fixed3.x, "the same rows at 1 and 3 ranks")
        XCTAssertEqual(fixed.y, fixed3.y)
        XCTAssertEqual(fixed.frame, raw.frame)
        for column in ["photons", "sx", "sy", "bg", "lpx", "lpy"] {
            XCTAssertEqual(try out.column(column, rows: rows), try input.column(column, rows: rows), column)
        }
        // Corrected = raw - drift at each frame.
        let result = try dir.result("d1.h5")
        for k in stride(from: 0, to: raw.count, by: 997) {
            let d = result.drift[Int(raw.frame[k]) - Int(result.frames[0])]
            XCTAssertEqual(Double(fixed.x[k]), Double(raw.x[k]) - d.x, accuracy: 0.01)
            XCTAssertEqual(Double(fixed.y[k]), Double(raw.y[k]) - d.y, accuracy: 0.01)
        }
        // The YAML keeps the input's documents and records the correction.
        let yaml = try dir.text(of: "c1.yaml")
        XCTAssertTrue(yaml.hasPrefix(try dir.text(of: "sim.yaml")))
        XCTAssertTrue(yaml.contains("Drift file: "), yaml)
        // Re-estimated, the corrected localisations have (almost) no drift left.
        let again = try dir.run(["estimate", "c1.hdf5", "-o", "again.h5", "--quiet"])
        XCTAssertEqual(again.status, 0, again.stderr)
        let left = try dir.result("again.h5")
        let largest = left.drift.reduce(0.0) { max($0, abs($1.x), abs($1.y)) }
        XCTAssertLessThan(largest, 3, "drift left after correction: \(largest) nm")
        // Refused: the corrected file over the input.
        let bad = try dir.run(["estimate", "sim.hdf5", "-o", "x.h5", "--write-corrected", "sim.hdf5"], ranks: 1)
        XCTAssertNotEqual(bad.status, 0)
        XCTAssertTrue(bad.stderr.contains("overwrite the input"), bad.stderr)
    }
}
