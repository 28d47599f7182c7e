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

/// `--write-corrected`: every rank writes its own rows of one corrected Picasso file.
final class WriteCorrectedTests: XCTestCase {
    func testCorrectedLocalisationsKeepEveryColumnAndLoseTheDrift() throws {
        let dir = try simulatedDirectory("corrected", seed: 5)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        for ranks in [1, 3] {
            let r = try DriftmpiProcess.run(["estimate", "sim.hdf5", "-o", "d\(ranks).h5", "--write-corrected", "c\(ranks).hdf5", "--quiet"],
                                            ranks: ranks, in: dir)
            XCTAssertEqual(r.status, 0, r.stderr)
        }
        let a = try Data(contentsOf: URL(fileURLWithPath: dir + "/c1.hdf5"))
        let input = try PicassoFile(path: dir + "/sim.hdf5")
        let out = try PicassoFile(path: dir + "/c1.hdf5")
        let three = try PicassoFile(path: dir + "/c3.hdf5")
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
        let result = try DriftResult.read(path: dir + "/d1.h5")
        for k in stride(from: 0, to: raw.count, by: 997) {
            let d = result.drift[Int(raw.frame[k]) - Int(result.frames[0])]
            XCTAssertEqual(Double(fixed.x[k]), Double(raw.x[k]) - d.x, accuracy: 0.01)
            XCTAssertEqual(Double(fixed.y[k]), Double(raw.y[k]) - d.y, accuracy: 0.01)
        }
        // The YAML keeps the input's documents and records the correction.
        let yaml = try String(contentsOfFile: dir + "/c1.yaml", encoding: .utf8)
        XCTAssertTrue(yaml.hasPrefix(try String(contentsOfFile: dir + "/sim.yaml", encoding: .utf8)))
        XCTAssertTrue(yaml.contains("Drift file: "), yaml)
        // Re-estimated, the corrected localisations have (almost) no drift left.
        let again = try DriftmpiProcess.run(["estimate", "c1.hdf5", "-o", "again.h5", "--quiet"], in: dir)
        XCTAssertEqual(again.status, 0, again.stderr)
        let left = try DriftResult.read(path: dir + "/again.h5")
        let largest = left.drift.reduce(0.0) { max($0, abs($1.x), abs($1.y)) }
        XCTAssertLessThan(largest, 3, "drift left after correction: \(largest) nm")
        // Refused: the corrected file over the input.
        let bad = try DriftmpiProcess.run(["estimate", "sim.hdf5", "-o", "x.h5", "--write-corrected", "sim.hdf5"], ranks: 1, in: dir)
        XCTAssertNotEqual(bad.status, 0)
        XCTAssertTrue(bad.stderr.contains("overwrite the input"), bad.stderr)
    }
}

/// Renders over `--max-render-mb` are transformed by all ranks together (FFTW's MPI interface); forced
/// here with a small limit on a render that fits, and checked against the single-rank transforms.
final class DistributedTransformTests: XCTestCase {
    func testRanksTransformingTogetherMatchOneRankAlone() throws {
        let dir = try simulatedDirectory("distributed", seed: 9)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let common = ["estimate", "sim.hdf5", "--segment-frames", "500", "--no-refine"]
        let plain = try DriftmpiProcess.run(common + ["-o", "plain.h5", "--quiet"], ranks: 1, in: dir)
        XCTAssertEqual(plain.status, 0, plain.stderr)
        let reference = try DriftResult.read(path: dir + "/plain.h5")
        for ranks in [1, 3] {
            let r = try DriftmpiProcess.run(common + ["-o", "d\(ranks).h5", "--max-render-mb", "0.5"], ranks: ranks, in: dir)
            XCTAssertEqual(r.status, 0, r.stderr)
            XCTAssertTrue(r.stderr.contains("all ranks transform each segment together"), r.stderr)
            let d = try DriftResult.read(path: dir + "/d\(ranks).h5")
            XCTAssertEqual(d.pairI, reference.pairI)
            XCTAssertEqual(d.pairJ, reference.pairJ)
            for (a, b) in zip(d.pairShift, reference.pairShift) {
                XCTAssertEqual(a.x, b.x, accuracy: 1e-3)
                XCTAssertEqual(a.y, b.y, accuracy: 1e-3)
            }
            for (a, b) in zip(d.drift, reference.drift) {
                XCTAssertEqual(a.x, b.x, accuracy: 1e-3)
                XCTAssertEqual(a.y, b.y, accuracy: 1e-3)
            }
        }
        // MCC cannot: one clear line, exit 1 on every rank, no result.
        let mcc = try DriftmpiProcess.run(common + ["-o", "m.h5", "--method", "mcc", "--max-render-mb", "0.5"], ranks: 2, in: dir)
        XCTAssertEqual(mcc.status, 1)
        XCTAssertTrue(mcc.stderr.contains("exceeds --max-render-mb"), mcc.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir + "/m.h5"))
    }
}

/// A new scratch directory holding `sim.hdf5`: 8000 frames of 2000 sites simulated with `seed`.
func simulatedDirectory(_ name: String, seed: Int) throws -> String {
    let dir = NSTemporaryDirectory() + "driftmpi-\(name)-" + UUID().uuidString
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    let sim = try DriftmpiProcess.run(["simulate", "locs", "sim.hdf5", "--frames", "8000", "--sites", "2000", "--seed", String(seed)], in: dir)
    XCTAssertEqual(sim.status, 0, sim.stderr)
    return dir
}
