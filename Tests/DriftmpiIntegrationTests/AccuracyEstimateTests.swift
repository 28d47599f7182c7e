import DriftCore
import DriftIO
import DriftTestSupport
import Foundation
import XCTest

/// The expected error from split halves (`AccuracyEstimate`): stored in the result, printed, in the
/// `--summary` and `inspect` (text and JSON), close to the true RMSE on simulated data, the same bit
/// for bit at 1 and 3 ranks, and off with `--no-accuracy` (which leaves the drift as it is).
final class AccuracyEstimateTests: XCTestCase {
    static let data = TemporaryDirectory("accuracy")

    override class func tearDown() { data.remove() }

    func simulated() throws {
        try Self.data.makeOnce("sim.hdf5", ["simulate", "locs", "sim.hdf5", "--frames", "8000", "--sites", "2000", "--seed", "21"])
    }

    static func double(_ r: DriftResult, _ name: String) -> Double? {
        if case .double(let d)? = r.attributes[name] { return d }
        return nil
    }

    func testExpectedErrorIsStoredShownCloseToTheTruthAndTheSameAtOneAndThreeRanks() throws {
        try simulated()
        var results: [Int: DriftResult] = [:]
        for ranks in [1, 3] {
            let out = "acc\(ranks).h5"
            let r = try Self.data.run(["estimate", "sim.hdf5", "-o", out, "--truth", "sim_truth.csv", "--quiet",
                                       "--summary", "acc\(ranks).json"], ranks: ranks, timeout: 300)
            XCTAssertEqual(r.status, 0, r.stderr)
            XCTAssertTrue(r.stdout.contains("expected error from split halves: x "), r.stdout)
            results[ranks] = try Self.data.result(out)
        }
        let one = results[1]!, three = results[3]!
        let names = ["expected_error_x_nm", "expected_error_y_nm", "expected_error_z_nm"]
        let expected = try names.map { try XCTUnwrap(Self.double(one, $0), $0) }
        let rmse = try ["rmse_vs_truth_x_nm", "rmse_vs_truth_y_nm"].map { try XCTUnwrap(Self.double(one, $0), $0) }
        XCTAssertEqual(one.attributes["accuracy"], .int(1))
        XCTAssertEqual(expected[2], 0, "2D: no z error")
        for k in 0..<2 {
            XCTAssertGreaterThan(expected[k], 0)
            // Within a factor of 3 of the true error.
            XCTAssertLessThan(expected[k], 3 * rmse[k], "axis \(k): expected \(expected[k]) nm, true \(rmse[k]) nm")
            XCTAssertGreaterThan(expected[k], rmse[k] / 3, "axis \(k): expected \(expected[k]) nm, true \(rmse[k]) nm")
        }
        // Bit for bit at 1 and 3 ranks, the halves' sizes too.
        for name in names + ["accuracy_half_rows"] { XCTAssertEqual(three.attributes[name], one.attributes[name], name) }
        XCTAssertEqual(three.drift, one.drift)
        XCTAssertEqual(three.fineCorrection, one.fineCorrection)
        guard case .string(let halves)? = one.attributes["accuracy_half_rows"] else { return XCTFail("no accuracy_half_rows") }
        let rows = halves.split(separator: ",").compactMap { Int64($0) }
        XCTAssertEqual(rows.count, 2)
        if case .int(let n)? = one.attributes["input_rows"] { XCTAssertEqual(rows.reduce(0, +), n) }
        XCTAssertEqual(Double(rows[0]) / Double(rows.reduce(0, +)), 0.5, accuracy: 0.1)

        // The summary and inspect (text and JSON) show it.
        let summary = try JSONSerialization.jsonObject(with: try Self.data.contents(of: "acc3.json")) as? [String: Any]
        let figures = try XCTUnwrap(summary?["figures"] as? [String: Any])
        // JSONSerialization may parse the last digit differently: compare to 1e-12.
        func close(_ value: Any?, _ message: String) {
            let v = value as? [String: Double]
            XCTAssertEqual(v?["x"] ?? .nan, expected[0], accuracy: 1e-12 * expected[0], message)
            XCTAssertEqual(v?["y"] ?? .nan, expected[1], accuracy: 1e-12 * expected[1], message)
            XCTAssertEqual(v?["z"], 0, message)
        }
        close(figures["expected_error_nm"], "summary")
        let text = try Self.data.run(["inspect", "acc1.h5"])
        XCTAssertEqual(text.status, 0, text.stderr)
        XCTAssertTrue(text.stdout.contains("expected error (halves)"), text.stdout)
        XCTAssertTrue(text.stdout.contains(String(format: "x %.3f, y %.3f", expected[0], expected[1])), text.stdout)
        let json = try Self.data.run(["inspect", "acc1.h5", "--json"])
        let j = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any]
        let jf = try XCTUnwrap(j?["figures"] as? [String: Any])
        close(jf["expected_error_nm"], "inspect --json")
        XCTAssertEqual(jf["accuracy_half_rows"] as? [Int], rows.map { Int($0) })
        XCTAssertEqual((j?["parameters"] as? [String: Any])?["accuracy_max_passes"] as? Int, 1)
    }

    func testNoAccuracyLeavesTheDriftAndSaysNotEstimated() throws {
        try simulated()
        let with = try Self.data.run(["estimate", "sim.hdf5", "-o", "with.h5", "--quiet"], ranks: 2, timeout: 300)
        XCTAssertEqual(with.status, 0, with.stderr)
        let without = try Self.data.run(["estimate", "sim.hdf5", "-o", "without.h5", "--quiet", "--no-accuracy"], ranks: 2, timeout: 300)
        XCTAssertEqual(without.status, 0, without.stderr)
        XCTAssertTrue(without.stdout.contains("expected error from split halves: not estimated"), without.stdout)
        let a = try Self.data.result("with.h5"), b = try Self.data.result("without.h5")
        XCTAssertEqual(a.drift, b.drift, "the estimate does not change the drift")
        XCTAssertEqual(b.attributes["accuracy"], .int(0))
        XCTAssertNil(b.attributes["expected_error_x_nm"])
        let text = try Self.data.run(["inspect", "without.h5"])
        XCTAssertTrue(text.stdout.contains("expected error (halves)") && text.stdout.contains("not estimated"), text.stdout)
    }
}
