import DriftCore
import DriftIO
import DriftTestSupport
import Foundation
import XCTest

/// The parallel design at up to 8 ranks (oversubscribed on a small machine): the same result file
/// contents whatever the rank count, for each way partners' spectra travel (halo for windowed RCC,
/// ring for all pairs, sums for MCC), and per-rank usage stored with the result.
final class ScaleOutTests: XCTestCase {
    static let data = TemporaryDirectory("scale")

    override class func tearDown() { data.remove() }

    func simulated() throws {
        try Self.data.makeOnce("sim.hdf5", ["simulate", "locs", "sim.hdf5", "--frames", "12000", "--sites", "2000", "--seed", "11"])
    }

    func check(_ options: [String], name: String, ranks: [Int]) throws {
        try simulated()
        var results: [Int: DriftResult] = [:]
        for n in ranks {
            let out = "\(name)\(n).h5"
            let r = try Self.data.run(["estimate", "sim.hdf5", "-o", out, "--segment-frames", "400", "--quiet"] + options,
                                      ranks: n, timeout: 300)
            XCTAssertEqual(r.status, 0, r.stderr)
            results[n] = try Self.data.result(out)
        }
        let one = results[ranks[0]]!
        XCTAssertEqual(one.segmentDrift.count, 30)
        for n in ranks.dropFirst() {
            let other = results[n]!
            XCTAssertEqual(other.drift, one.drift, "\(name): drift at \(n) ranks")
            XCTAssertEqual(other.segmentDrift, one.segmentDrift, "\(name): segment drift at \(n) ranks")
            XCTAssertEqual(other.pairI, one.pairI)
            XCTAssertEqual(other.pairJ, one.pairJ)
            XCTAssertEqual(other.pairShift, one.pairShift, "\(name): pairs at \(n) ranks")
            XCTAssertEqual(other.fineCorrection, one.fineCorrection)
            // Per-rank usage: one entry per rank, pairs adding up to all of them.
            guard case .string(let pairs)? = other.attributes["rank_pairs"],
                  case .string(let memory)? = other.attributes["rank_peak_resident_mib"] else {
                return XCTFail("no per-rank attributes")
            }
            XCTAssertEqual(pairs.split(separator: ",").compactMap { Int($0) }.reduce(0, +), other.pairI.count)
            XCTAssertEqual(memory.split(separator: ",").count, n)
            XCTAssertTrue(memory.split(separator: ",").allSatisfy { (Double($0) ?? 0) > 0 })
        }
    }

    func testWindowedPairsAreTheSameAtOneThreeAndEightRanks() throws {
        try check(["--no-refine"], name: "window", ranks: [1, 3, 8])
    }

    func testAllPairsAreTheSameAtOneTwoAndEightRanks() throws {
        try check(["--window", "all", "--no-refine"], name: "all", ranks: [1, 2, 8])
    }

    func testMeanCorrelationIsTheSameAtOneAndEightRanks() throws {
        try check(["--method", "mcc", "--no-refine"], name: "mcc", ranks: [1, 8])
    }

    func testRefinedDriftIsTheSameAtOneAndEightRanks() throws {
        try check([], name: "refined", ranks: [1, 8])
    }
}
