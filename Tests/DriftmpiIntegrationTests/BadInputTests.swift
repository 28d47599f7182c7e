import DriftCore
import DriftIO
import DriftTestSupport
import Foundation
import XCTest

/// Bad input: one clear line naming the file and the problem, a non-zero exit on every rank, no hang
/// and no result file.
final class BadInputTests: XCTestCase {
    var dir: TemporaryDirectory!

    override func setUpWithError() throws {
        dir = TemporaryDirectory("bad")
        try "not an hdf5 file\n".write(toFile: dir.file("text.hdf5"), atomically: true, encoding: .utf8)
        let other = try HDF5File.create(dir.file("nolocs.hdf5"))
        try other.createDataset("/x", scalar: .float64, shape: [2]).write([1.0, 2], rowOffset: 0)
        try "Frames: 100\nWidth: 32\nHeight: 32\nPixelsize: 100\n".write(toFile: dir.file("nolocs.yaml"), atomically: true, encoding: .utf8)
    }

    override func tearDown() { dir.remove() }

    func check(input: String, problem: String, ranks: Int, options: [String] = [], output: String = "result.h5",
               file: StaticString = #filePath, line: UInt = #line) throws {
        let before = try dir.names()
        let inputBytes = FileManager.default.contents(atPath: dir.file(input))
        let r = try dir.run(["estimate", input, "-o", output] + options, ranks: ranks, timeout: 30)
        XCTAssertFalse(r.timedOut, "hung at \(ranks) ranks", file: file, line: line)
        // A liveness bound from the issue (every rank ends within 10 s), not a speed measurement.
        XCTAssertLessThan(r.seconds, DriftmpiProcess.livenessSeconds, file: file, line: line)
        XCTAssertNotEqual(r.status, 0, file: file, line: line)
        // The message names the file at fault (the input unless `problem` starts with another file's name).
        let expected = "driftmpi: error: " + (problem.hasPrefix("@") ? String(problem.dropFirst()) : input + ": " + problem)
        XCTAssertEqual(r.errorLines.count, 1, "stderr: \(r.stderr)", file: file, line: line)
        XCTAssertTrue(r.errorLines.first?.hasPrefix(expected) ?? false, "\(r.errorLines) does not start with \(expected)", file: file, line: line)
        // Nothing written, nothing changed.
        XCTAssertEqual(try dir.names(), before, file: file, line: line)
        XCTAssertEqual(FileManager.default.contents(atPath: dir.file(input)), inputBytes, "the input changed", file: file, line: line)
    }

    /// The catalogue of bad inputs and options, each at 1 and 3 ranks.
    func testBadInputCatalogue() throws {
        var p = SimulationParameters()
        p.frames = 3000
        p.sites = 800
        try PicassoWriter.write(Simulator.run(p), to: dir.file("sim.hdf5"), generator: [])
        FileManager.default.createFile(atPath: dir.file("empty.hdf5"), contents: Data())
        for name in ["nopx", "badyaml"] { try FileManager.default.copyItem(atPath: dir.file("sim.hdf5"), toPath: dir.file("\(name).hdf5")) }
        try "Frames: 3000\nWidth: 256\nHeight: 256\n".write(toFile: dir.file("nopx.yaml"), atomically: true, encoding: .utf8)
        try "Frames: [3000\nWidth: : 256\n".write(toFile: dir.file("badyaml.yaml"), atomically: true, encoding: .utf8)
        try "frame,x,y\n-1,100,100\n0,200,200\n".write(toFile: dir.file("negframe.csv"), atomically: true, encoding: .utf8)
        try "frame,x,y\n0,100,100\n1.5,200,200\n".write(toFile: dir.file("halfframe.csv"), atomically: true, encoding: .utf8)
        try "frame,x,y\n0,100,100\n1,nan,200\n".write(toFile: dir.file("nan.csv"), atomically: true, encoding: .utf8)
        try "frame,x,y\n0,100,100\n1,inf,200\n".write(toFile: dir.file("inf.csv"), atomically: true, encoding: .utf8)
        try "frame,x,y\n2000,100,100\n0,200,200\n1000,nan,300\n5,300,300\n".write(toFile: dir.file("unsortednan.csv"), atomically: true, encoding: .utf8)
        try ("frame,x,y\n" + (0..<3000).map { "5,\(($0 * 37) % 10000),\(($0 * 91) % 10000)" }.joined(separator: "\n") + "\n")
            .write(toFile: dir.file("oneframe.csv"), atomically: true, encoding: .utf8)
        try "frame,x,y\n0,100,100\n1500,9000,9000\n2999,5000,5000\n".write(toFile: dir.file("few.csv"), atomically: true, encoding: .utf8)
        let plenty = (0..<400).map { "\($0 / 4),\(1000 + ($0 * 37) % 9000),\(1000 + ($0 * 91) % 9000)" }.joined(separator: "\n")
        try ("frame,x,y\n" + plenty + "\n5,1e30,100\n").write(toFile: dir.file("farx.csv"), atomically: true, encoding: .utf8)
        try ("frame,x,y\n" + plenty + "\n4294967295,500,500\n").write(toFile: dir.file("farframe.csv"), atomically: true, encoding: .utf8)
        try Data([0x00, 0xff, 0x13, 0x37, 0x0a, 0x00]).write(to: URL(fileURLWithPath: dir.file("binary.csv")))
        try "an earlier result\n".write(toFile: dir.file("existing.h5"), atomically: true, encoding: .utf8)
        let cases: [(input: String, problem: String, options: [String], output: String)] = [
            ("empty.hdf5", "not an HDF5 file (driftmpi reads Picasso and PYME HDF5 files, and CSV files named .csv, .tsv or .txt)", [], "result.h5"),
            ("binary.csv", "no column 'frame' in the header", [], "result.h5"),
            ("nopx.hdf5", "@nopx.yaml: no positive 'Pixelsize' (nm)", [], "result.h5"),
            ("badyaml.hdf5", "@badyaml.yaml: not valid YAML (2:6: error: parser: while parsing a flow sequence in line 1, column 9)", [], "result.h5"),
            ("negframe.csv", "row 0 has frame -1, outside 0 ... 4294967295", [], "result.h5"),
            ("halfframe.csv", "line 3, column 'frame': frame 1.5 is not a whole number", [], "result.h5"),
            ("nan.csv", "row 1 has a non-finite coordinate", [], "result.h5"),
            ("inf.csv", "row 1 has a non-finite coordinate", [], "result.h5"),
            ("unsortednan.csv", "row 2 has a non-finite coordinate", [], "result.h5"),
            ("oneframe.csv", "fewer than 2 segments hold 50 localisations or more; use longer segments (or a smaller --min-segment-locs)", [], "result.h5"),
            ("oneframe.csv", "6 frames make fewer than 2 segments of 1000 frames; use a smaller --segment-frames", ["--segment-frames", "1000"], "result.h5"),
            ("few.csv", "3 localisations are too few for 2 segments of 50 (--min-segment-locs)", [], "result.h5"),
            ("farx.csv", "its localisations span 1e+30 nm in x, more than 100 mm; a coordinate far outside the field? Remove those rows", [], "result.h5"),
            ("farframe.csv", "its frames run from 0 to 4294967295, more than 100000000 frames; a frame number far beyond the acquisition? Remove those rows", [], "result.h5"),
            ("few.csv", "fewer than 2 segments hold 50 localisations or more; use longer segments (or a smaller --min-segment-locs)", ["--segment-frames", "1000"], "result.h5"),
            ("sim.hdf5", "3000 frames make fewer than 2 segments of 5000 frames; use a smaller --segment-frames", ["--segment-frames", "5000"], "result.h5"),
            ("sim.hdf5", "@sim.hdf5: the output would overwrite the input", [], "sim.hdf5"),
            ("sim.hdf5", "@sim.yaml: the output would overwrite the input", [], "sim.yaml"),
            ("sim.hdf5", "@\(dir.path)/nodir/result.h5: the output directory \(dir.path)/nodir does not exist", [], "\(dir.path)/nodir/result.h5"),
            ("sim.hdf5", "@/proc/result.h5: the output directory /proc is not writable", [], "/proc/result.h5"),
            ("sim.hdf5", "@existing.h5: the output exists; give --force to replace it", [], "existing.h5"),
        ]
        for c in cases {
            for ranks in [1, 3] {
                try check(input: c.input, problem: c.problem, ranks: ranks, options: c.options, output: c.output)
            }
        }
        // Options that cannot be right are usage errors (exit 64), found before any file is read.
        for options in [["--bin-nm", "0"], ["--bin-nm", "-5"], ["--window", "0"], ["--segment-frames", "0"]] {
            let r = try dir.run(["estimate", "sim.hdf5", "-o", "result.h5"] + options, ranks: 3, timeout: 30)
            XCTAssertEqual(r.status, 64, "\(options)")
            XCTAssertFalse(dir.exists("result.h5"))
        }
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

    func testBadOptionIsAUsageError() throws {
        let r = try dir.run(["estimate", "x.hdf5", "-o", "r.h5", "--window", "0"], ranks: 2, timeout: 30)
        XCTAssertEqual(r.status, 64)
        XCTAssertTrue(r.stderr.contains("--window must be a whole number >= 1 or 'all'"))
    }
}
