import DriftCore
import DriftIO
import Foundation
import XCTest

/// Bad input: one clear line naming the file and the problem, a non-zero exit on every rank, no hang
/// and no result file.
final class BadInputTests: XCTestCase {
    var dir: String!

    override func setUpWithError() throws {
        dir = NSTemporaryDirectory() + "driftmpi-bad-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        try "not an hdf5 file\n".write(toFile: dir + "/text.hdf5", atomically: true, encoding: .utf8)
        let other = try HDF5File.create(dir + "/nolocs.hdf5")
        try other.createDataset("/x", scalar: .float64, shape: [2]).write([1.0, 2], rowOffset: 0)
        try "Frames: 100\nWidth: 32\nHeight: 32\nPixelsize: 100\n".write(toFile: dir + "/nolocs.yaml", atomically: true, encoding: .utf8)
    }

    override func tearDown() { try? FileManager.default.removeItem(atPath: dir) }

    func check(input: String, problem: String, ranks: Int, file: StaticString = #filePath, line: UInt = #line) throws {
        let r = try DriftmpiProcess.run(["estimate", input, "-o", "result.h5"], ranks: ranks, in: dir, timeout: 30)
        XCTAssertFalse(r.timedOut, "hung at \(ranks) ranks", file: file, line: line)
        XCTAssertLessThan(r.seconds, 20, file: file, line: line)
        XCTAssertNotEqual(r.status, 0, file: file, line: line)
        XCTAssertEqual(r.errorLines, ["driftmpi: error: \(input): \(problem)"], "stderr: \(r.stderr)", file: file, line: line)
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir + "/result.h5"), file: file, line: line)
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: dir).filter { $0.contains("result") }
        XCTAssertEqual(leftovers, [], file: file, line: line)
    }

    func testMissingInput() throws {
        for ranks in [1, 3] { try check(input: "missing.hdf5", problem: "no such file", ranks: ranks) }
    }

    func testNotHDF5() throws {
        for ranks in [1, 3] { try check(input: "text.hdf5", problem: "not an HDF5 file (driftmpi reads Picasso and PYME HDF5 files, and CSV files named .csv, .tsv or .txt)", ranks: ranks) }
    }

    func testHDF5WithoutLocs() throws {
        for ranks in [1, 3] {
            try check(input: "nolocs.hdf5", problem: "no dataset 'locs' (not a Picasso localisation file)", ranks: ranks)
        }
    }

    func testUnsortedFramesAreNamed() throws {
        var p = SimulationParameters()
        p.frames = 3000
        p.sites = 500
        var acq = Simulator.run(p)
        acq.frame.swapAt(10, acq.count - 10)
        try PicassoWriter.write(acq, to: dir + "/unsorted.hdf5", generator: [])
        let bad = acq.frame.indices.dropFirst().first { acq.frame[$0] < acq.frame[$0 - 1] }!
        for ranks in [1, 3] {
            try check(input: "unsorted.hdf5", problem: "localisations are not sorted by frame (row \(bad)); sort them by frame first",
                      ranks: ranks)
        }
    }

    func testBadOptionIsAUsageError() throws {
        let r = try DriftmpiProcess.run(["estimate", "x.hdf5", "-o", "r.h5", "--window", "0"], ranks: 2, in: dir, timeout: 30)
        XCTAssertEqual(r.status, 64)
        XCTAssertTrue(r.stderr.contains("--window must be a whole number >= 1 or 'all'"))
    }
}
