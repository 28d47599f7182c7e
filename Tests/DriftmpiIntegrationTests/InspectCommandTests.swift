import DriftCore
import DriftIO
import DriftTestSupport
import Foundation
import XCTest

/// `driftmpi inspect` and the `--summary` files of `estimate` and `apply`, with the built binary.
final class InspectCommandTests: XCTestCase {
    func json(_ text: String, file: StaticString = #filePath, line: UInt = #line) throws -> [String: Any] {
        let object = try JSONSerialization.jsonObject(with: Data(text.utf8))
        return try XCTUnwrap(object as? [String: Any], "not a JSON object: \(text)", file: file, line: line)
    }

    func jsonFile(_ path: String) throws -> [String: Any] {
        try json(String(contentsOfFile: path, encoding: .utf8))
    }

    func testEstimateAndApplySummariesAndInspect() throws {
        let dir = try TemporaryDirectory.simulated("inspect", seed: 11)
        defer { dir.remove() }

        // estimate at 2 ranks with a summary.
        let est = try dir.run(["estimate", "sim.hdf5", "-o", "d.h5", "--truth", "sim_truth.csv", "--summary", "est.json", "--quiet"],
                              ranks: 2)
        XCTAssertEqual(est.status, 0, est.stderr)
        let result = try dir.result("d.h5")
        let s = try jsonFile(dir.file("est.json"))
        XCTAssertEqual(Set(s.keys), ["command", "driftmpi_version", "created", "input", "output", "parameters", "figures", "timings",
                                     "ranks", "peak_resident_mib_max", "wall_s", "fftw_share"])
        XCTAssertEqual(s["command"] as? String, "estimate")
        XCTAssertEqual(s["driftmpi_version"] as? String, DriftmpiVersion.string)
        XCTAssertNotNil((s["created"] as? String).flatMap { ISO8601DateFormatter().date(from: $0) }, "created is ISO 8601")
        XCTAssertEqual(s["output"] as? String, URL(fileURLWithPath: dir.file("d.h5")).standardizedFileURL.path)
        let input = try XCTUnwrap(s["input"] as? [String: Any])
        XCTAssertEqual(input["format"] as? String, "picasso")
        XCTAssertEqual(input["rows"] as? Int, result.attributes["input_rows"].flatMap { if case .int(let i) = $0 { Int(i) } else { nil } })
        let parameters = try XCTUnwrap(s["parameters"] as? [String: Any])
        XCTAssertEqual(parameters["method"] as? String, "rcc")
        XCTAssertEqual(parameters["segmentation"] as? String, "automatic")
        XCTAssertEqual(parameters["segment_frames"] as? Int, 0)
        XCTAssertGreaterThan(parameters["segment_locs"] as? Int ?? 0, 0, "the count chosen from the data")
        XCTAssertEqual(parameters["bin_nm"] as? Double, 120, "the default with the refinement")
        let figures = try XCTUnwrap(s["figures"] as? [String: Any])
        XCTAssertEqual(figures["segments"] as? Int, result.segmentCentreFrame.count)
        XCTAssertEqual(figures["pairs"] as? Int, result.pairI.count)
        XCTAssertEqual(figures["pairs_used"] as? Int, result.pairUsed.filter { $0 == 1 }.count)
        XCTAssertEqual(figures["unit"] as? String, "nm")
        XCTAssertNotNil(figures["rms_residual_nm"] as? Double)
        let rmse = try XCTUnwrap(figures["rmse_vs_truth_nm"] as? [String: Double])
        XCTAssertLessThan(rmse["x"] ?? .infinity, 20)
        let range = try XCTUnwrap(figures["drift_range"] as? [String: Any])
        let xs = result.drift.map(\.x)
        // Foundation's JSONSerialization may parse the last digit differently (the file holds the
        // shortest round-trip text): compare to 1e-12.
        let xRange = try XCTUnwrap(range["x"] as? [Double])
        XCTAssertEqual(xRange.count, 2)
        for (got, want) in zip(xRange, [xs.min()!, xs.max()!]) { XCTAssertEqual(got, want, accuracy: 1e-12 * max(1, abs(want))) }
        let timings = try XCTUnwrap(s["timings"] as? [String: Double])
        for phase in ["read", "correlate", "solve", "write"] { XCTAssertNotNil(timings[phase], phase) }
        let ranks = try XCTUnwrap(s["ranks"] as? [[String: Any]])
        XCTAssertEqual(ranks.count, 2)
        XCTAssertEqual(ranks.map { $0["rank"] as? Int }, [0, 1])
        XCTAssertEqual(ranks.compactMap { $0["pairs"] as? Int }.reduce(0, +), result.pairI.count)
        for r in ranks { for key in ["mib_sent", "cpu_s", "peak_mib"] { XCTAssertNotNil(r[key] as? Double, key) } }
        let wall = try XCTUnwrap(s["wall_s"] as? Double)
        XCTAssertGreaterThan(wall, 0)
        XCTAssertLessThan(wall, est.seconds + 1)

        // inspect: text and JSON, the same figures.
        let text = try dir.run(["inspect", "d.h5"], ranks: 2)
        XCTAssertEqual(text.status, 0, text.stderr)
        for expected in ["input", "provenance", "parameters", "drift (/drift/xyz, nm)", "solve", "timings", "ranks",
                         "sim.hdf5", "picasso", "rcc", "RMSE vs truth"] {
            XCTAssertTrue(text.stdout.contains(expected), "\(expected) in\n\(text.stdout)")
        }
        XCTAssertEqual(text.stdout.components(separatedBy: "driftmpi result:").count, 2, "rank 0 prints once")
        XCTAssertTrue(text.stdout.contains("\(result.pairI.count): \(result.pairUsed.filter { $0 == 1 }.count) used"), text.stdout)
        let inspected = try dir.run(["inspect", "d.h5", "--json"])
        XCTAssertEqual(inspected.status, 0, inspected.stderr)
        let j = try json(inspected.stdout)
        XCTAssertEqual(Set(j.keys), ["file", "unit", "input", "provenance", "parameters", "figures", "timings", "ranks", "peak_resident_mib_max"])
        XCTAssertEqual((j["provenance"] as? [String: Any])?["ranks"] as? Int, 2)
        XCTAssertEqual((j["ranks"] as? [Any])?.count, 2)
        XCTAssertEqual((j["figures"] as? [String: Any])?["segments"] as? Int, figures["segments"] as? Int)
        XCTAssertEqual(NSDictionary(dictionary: try XCTUnwrap(j["parameters"] as? [String: Any])), NSDictionary(dictionary: parameters),
                       "one source of truth for the parameters")

        // apply at 2 ranks with a summary.
        let app = try dir.run(["apply", "d.h5", "sim.hdf5", "-o", "fixed.hdf5", "--summary", "apply.json", "--quiet"], ranks: 2)
        XCTAssertEqual(app.status, 0, app.stderr)
        let a = try jsonFile(dir.file("apply.json"))
        XCTAssertEqual(a["command"] as? String, "apply")
        for key in ["driftmpi_version", "created", "input", "output", "parameters", "figures", "timings", "ranks", "wall_s"] {
            XCTAssertNotNil(a[key], key)
        }
        let af = try XCTUnwrap(a["figures"] as? [String: Any])
        XCTAssertEqual(af["rows"] as? Int, input["rows"] as? Int)
        XCTAssertEqual(af["format"] as? String, "picasso")
        XCTAssertEqual(af["corrected_z"] as? Bool, false)
        XCTAssertEqual(af["held"] as? Bool, false)
        XCTAssertEqual((a["parameters"] as? [String: Any])?["extrapolate"] as? String, "error")
        XCTAssertEqual((a["input"] as? [String: Any])?["drift"] as? String, URL(fileURLWithPath: dir.file("d.h5")).standardizedFileURL.path)
        XCTAssertEqual((a["ranks"] as? [Any])?.count, 2)

        // A summary may not replace the result; nothing is overwritten, exit 1 with one line.
        let clash = try dir.run(["apply", "d.h5", "sim.hdf5", "-o", "fixed2.hdf5", "--summary", "d.h5", "--quiet"], ranks: 2)
        XCTAssertEqual(clash.status, 1)
        XCTAssertEqual(clash.errorLines.count, 1, clash.stderr)
        XCTAssertNoThrow(try dir.result("d.h5"))
    }

    func testInspectOfMissingOrForeignFileIsOneLineAndExit1() throws {
        let dir = TemporaryDirectory("inspect")
        defer { dir.remove() }
        for ranks in [0, 2] {
            let r = try dir.run(["inspect", "missing.h5"], ranks: ranks)
            XCTAssertEqual(r.status, 1)
            XCTAssertEqual(r.errorLines, ["driftmpi: error: missing.h5: no such file"], r.stderr)
            XCTAssertEqual(r.stdout, "")
        }
        try "not a result".write(toFile: dir.file("x.json"), atomically: true, encoding: .utf8)
        let r = try dir.run(["inspect", "x.json", "--json"])
        XCTAssertEqual(r.status, 1)
        XCTAssertEqual(r.errorLines.count, 1, r.stderr)
        XCTAssertTrue(r.errorLines.first?.contains("x.json") ?? false, r.stderr)
    }

    /// Files of `driftmpi drift` hold fewer attributes: inspect prints what is there.
    func testInspectOfDriftCommandFiles() throws {
        let npz = Fixtures.path("pyme/drift.npz")
        let dir = TemporaryDirectory("inspect")
        defer { dir.remove() }
        var r = DriftResult()
        r.frames = [0, 1, 2, 3]
        r.drift = [.zero, SIMD3(1, 0, 0), SIMD3(2, 0, 0), SIMD3(3, 0, 0)]
        r.segmentFirstFrame = [0, 2]
        r.segmentLastFrame = [1, 3]
        r.segmentCentreFrame = [0.5, 2.5]
        r.segmentCount = [0, 0]
        r.segmentDrift = [.zero, SIMD3(2, 0, 0)]
        try DriftFile.write(r, to: dir.file("a.h5"))
        for args in [["combine", "a.h5", "a.h5", "-o", "c.h5"], ["smooth", "a.h5", "-o", "s.h5", "--smoothing", "1"],
                     ["import-pyme", npz, "-o", "p.h5"]] {
            let made = try dir.run(["drift"] + args)
            XCTAssertEqual(made.status, 0, "\(args): \(made.stderr)")
        }
        for (name, command) in [("c.h5", "combine"), ("s.h5", "smooth"), ("p.h5", "import-pyme")] {
            let text = try dir.run(["inspect", name], ranks: 2)
            XCTAssertEqual(text.status, 0, "\(name): \(text.stderr)")
            XCTAssertTrue(text.stdout.contains("drift (/drift/xyz, nm)"), text.stdout)
            XCTAssertTrue(text.stdout.split(separator: "\n").contains { $0.hasPrefix("  command ") && $0.hasSuffix(" " + command) }, text.stdout)
            let j = try dir.run(["inspect", name, "--json"])
            XCTAssertEqual(j.status, 0, "\(name): \(j.stderr)")
            let o = try json(j.stdout)
            XCTAssertEqual((o["provenance"] as? [String: Any])?["command"] as? String, command)
            XCTAssertEqual((o["ranks"] as? [Any])?.count, 0)
            XCTAssertNotNil((o["figures"] as? [String: Any])?["drift_range"], name)
        }
        let combined = try json(try dir.run(["inspect", "c.h5", "--json"]).stdout)
        let figures = try XCTUnwrap(combined["figures"] as? [String: Any])
        XCTAssertEqual((figures["drift_range"] as? [String: Any])?["x"] as? [Double], [0, 6])
        XCTAssertEqual(figures["pairs"] as? Int, 0)
        XCTAssertEqual((combined["input"] as? [String: Any])?["sources"] as? [String],
                       [String](repeating: URL(fileURLWithPath: dir.file("a.h5")).standardizedFileURL.path, count: 2))
    }
}
