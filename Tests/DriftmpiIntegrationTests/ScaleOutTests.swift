import DriftCore
import DriftIO
import Foundation
import XCTest

/// The parallel design at up to 8 ranks (oversubscribed on a small machine): the same result file
/// contents whatever the rank count, for each way partners' spectra travel (halo for windowed RCC,
/// ring for all pairs, sums for MCC), and per-rank usage stored with the result.
final class ScaleOutTests: XCTestCase {
    static let data: String = {
        let dir = NSTemporaryDirectory() + "driftmpi-scale-" + UUID().uuidString
        try! FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }()

    override class func tearDown() { try? FileManager.default.removeItem(atPath: data) }

    func simulated() throws {
        guard !FileManager.default.fileExists(atPath: Self.data + "/sim.hdf5") else { return }
        let r = try DriftmpiProcess.run(["simulate", "locs", "sim.hdf5", "--frames", "12000", "--sites", "2000", "--seed", "11"], in: Self.data)
        XCTAssertEqual(r.status, 0, r.stderr)
    }

    func check(_ options: [String], name: String, ranks: [Int]) throws {
        try simulated()
        var results: [Int: DriftResult] = [:]
        for n in ranks {
            let out = "\(name)\(n).h5"
            let r = try DriftmpiProcess.run(["estimate", "sim.hdf5", "-o", out, "--segment-frames", "400", "--quiet"] + options,
                                            ranks: n, in: Self.data, timeout: 300)
            XCTAssertEqual(r.status, 0, r.stderr)
            results[n] = try DriftResult.read(path: Self.data + "/" + out)
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
