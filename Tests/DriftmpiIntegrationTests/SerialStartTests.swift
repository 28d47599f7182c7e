import DriftCore
import DriftIO
import DriftTestSupport
import Foundation
import XCTest

/// A process started without a launcher runs without MPI (no MPI_Init: about 0.3 s less per run);
/// what it writes is the same bit for bit as under `mpirun -n 1`.
final class SerialStartTests: XCTestCase {
    /// Estimate (with the corrected Picasso copy), apply, the corrected CSV (written by `SharedFile`)
    /// and an image stack: without a launcher and under mpirun -n 1.
    func testWithoutALauncherTheOutputsAreThoseOfMpirunWithOneRank() throws {
        let dir = try TemporaryDirectory.simulated("serial-start", seed: 21)
        defer { dir.remove() }
        let csv = Fixtures.path("localisations/thunderstorm.csv")
        XCTAssertEqual(try dir.run(["simulate", "stack", "st.h5", "--frames", "16", "--size", "64", "--sites", "200", "--seed", "5"]).status, 0)
        for (name, ranks) in [("alone", 0), ("mpirun", 1)] {
            let steps: [[String]] = [
                ["estimate", "sim.hdf5", "-o", "\(name).h5", "--write-corrected", "\(name)_w.hdf5", "--quiet"],
                ["apply", "\(name).h5", "sim.hdf5", "-o", "\(name)_a.hdf5", "--quiet"],
                ["estimate", csv, "-o", "\(name)_csv.h5", "--write-corrected", "\(name)_w.csv", "--quiet"],
                ["estimate", "st.h5", "-o", "\(name)_st.h5", "--quiet"],
                ["apply", "\(name)_st.h5", "st.h5", "-o", "\(name)_st.tif", "--quiet"],
            ]
            for args in steps {
                let r = try dir.run(args, ranks: ranks)
                XCTAssertEqual(r.status, 0, "\(name): \(args.joined(separator: " ")): \(r.stderr)")
            }
        }
        for result in ["", "_csv", "_st"] {
            let a = try dir.result("alone\(result).h5"), m = try dir.result("mpirun\(result).h5")
            XCTAssertEqual(a.frames, m.frames, result)
            XCTAssertEqual(a.drift, m.drift, result)
            XCTAssertEqual(a.segmentDrift, m.segmentDrift, result)
            XCTAssertEqual(a.pairShift, m.pairShift, result)
            XCTAssertEqual(a.attributes["ranks"], m.attributes["ranks"], result)
        }
        for corrected in ["_w.hdf5", "_a.hdf5"] {
            let a = try PicassoFile(path: dir.file("alone" + corrected)), m = try PicassoFile(path: dir.file("mpirun" + corrected))
            XCTAssertEqual(try a.table.readRecords(rows: 0..<a.rowCount, type: a.table.fileType().native()),
                           try m.table.readRecords(rows: 0..<m.rowCount, type: m.table.fileType().native()), corrected)
        }
        XCTAssertEqual(try dir.contents(of: "alone_w.csv"), try dir.contents(of: "mpirun_w.csv"))
        XCTAssertEqual(try dir.contents(of: "alone_st.tif"), try dir.contents(of: "mpirun_st.tif"))
    }

    /// A render over --max-render-mb needs FFTW's MPI interface: a process without a launcher starts
    /// MPI for it, and gets what mpirun -n 1 gets.
    func testMPIStartsWhenADistributedTransformNeedsIt() throws {
        let dir = try TemporaryDirectory.simulated("serial-distributed", seed: 9)
        defer { dir.remove() }
        let common = ["estimate", "sim.hdf5", "--segment-frames", "500", "--no-refine", "--max-render-mb", "0.5"]
        let alone = try dir.run(common + ["-o", "alone.h5"], ranks: 0)
        XCTAssertEqual(alone.status, 0, alone.stderr)
        XCTAssertTrue(alone.stderr.contains("all ranks transform each segment together"), alone.stderr)
        let mpirun = try dir.run(common + ["-o", "mpirun.h5", "--quiet"], ranks: 1)
        XCTAssertEqual(mpirun.status, 0, mpirun.stderr)
        XCTAssertEqual(try dir.result("alone.h5").drift, try dir.result("mpirun.h5").drift)
    }
}
