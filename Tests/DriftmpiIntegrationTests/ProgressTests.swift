import DriftTestSupport
import Foundation
import XCTest

/// Progress on standard error: plain lines in logs (tests run without a terminal), JSON lines with
/// `--log-json`, nothing with `--quiet`, and only rank 0 speaks.
final class ProgressTests: XCTestCase {
    func testLogLinesJSONLinesAndQuiet() throws {
        let dir = try TemporaryDirectory.simulated("progress", seed: 12)
        defer { dir.remove() }
        // Batch log: every phase ends with a count line, once (rank 0 only), and refinement reports its passes.
        let plain = try dir.run(["estimate", "sim.hdf5", "-o", "a.h5"], ranks: 2)
        XCTAssertEqual(plain.status, 0, plain.stderr)
        let lines = plain.stderr.split(separator: "\n").map(String.init)
        let renderEnd = lines.filter { $0.contains("render and transform:") && $0.contains("done in") }
        XCTAssertEqual(renderEnd.count, 1, plain.stderr)
        XCTAssertEqual(lines.filter { $0.contains("correlate pairs:") && $0.contains("done in") }.count, 1, plain.stderr)
        XCTAssertTrue(lines.contains { $0.contains("refinement pass 1 of at most") }, plain.stderr)
        XCTAssertTrue(lines.allSatisfy { $0.hasPrefix("driftmpi [") }, plain.stderr)

        // JSON lines: each parses; phases end at 100 %.
        let json = try dir.run(["estimate", "sim.hdf5", "-o", "b.h5", "--log-json"], ranks: 2)
        XCTAssertEqual(json.status, 0, json.stderr)
        var phases: [String: (done: Double, total: Double)] = [:]
        var messages = 0
        for line in json.stderr.split(separator: "\n") {
            let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
            XCTAssertNotNil(object, String(line))
            XCTAssertNotNil(object?["t_s"] as? Double, String(line))
            switch object?["event"] as? String {
            case "message": messages += 1
            case "phase":
                let name = object!["phase"] as! String
                phases[name] = (object!["done"] as! Double, object!["total"] as! Double)
                XCTAssertNotNil(object!["eta_s"] as? Double)
                XCTAssertNotNil(object!["percent"] as? Double)
            default: XCTFail("unknown event in \(line)")
            }
        }
        XCTAssertGreaterThan(messages, 3)
        for name in ["render and transform", "correlate pairs"] {
            XCTAssertEqual(phases[name]?.done, phases[name]?.total, name)
        }

        let quiet = try dir.run(["estimate", "sim.hdf5", "-o", "c.h5", "--quiet"], ranks: 2)
        XCTAssertEqual(quiet.status, 0)
        XCTAssertEqual(quiet.stderr, "")
    }
}
