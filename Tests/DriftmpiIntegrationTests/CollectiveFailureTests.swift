import DriftTestSupport
import Foundation
import XCTest

/// A failure on one rank ends every rank, quickly, with one message and no output: injected in
/// every phase (`DRIFTMPI_FAULT=RANK:PHASE`), a rank killed with SIGKILL, and the job stopped with
/// SIGTERM as Slurm does at the time limit.
final class CollectiveFailureTests: XCTestCase {
    static let data = TemporaryDirectory("faults")

    override class func tearDown() { data.remove() }

    func simulated() throws {
        try Self.data.makeOnce("sim.hdf5", ["simulate", "locs", "sim.hdf5", "--frames", "8000", "--sites", "2000", "--seed", "3"])
    }

    func outputs(_ stem: String) throws -> [String] {
        try Self.data.names().filter { $0.contains(stem) }
    }

    func testAFaultInAnyPhaseEndsEveryRank() throws {
        try simulated()
        for phase in ["read", "render", "correlate", "solve", "refine", "write"] {
            let out = "fault-\(phase)"
            let r = try Self.data.run(["estimate", "sim.hdf5", "-o", out + ".h5", "--segment-frames", "400", "--quiet"],
                                      ranks: 3, timeout: 30, environment: ["DRIFTMPI_FAULT": "1:\(phase)"])
            XCTAssertFalse(r.timedOut, "\(phase): hung")
            XCTAssertLessThan(r.seconds, DriftmpiProcess.livenessSeconds, "\(phase): every rank must end within the liveness bound")
            XCTAssertNotEqual(r.status, 0, phase)
            XCTAssertEqual(r.errorLines, ["driftmpi: error: DRIFTMPI_FAULT: injected failure on rank 1 in phase \(phase)"],
                           "\(phase): \(r.stderr)")
            XCTAssertEqual(try outputs(out), [], "\(phase): output left behind")
        }
        // The same run without the fault succeeds.
        let ok = try Self.data.run(["estimate", "sim.hdf5", "-o", "nofault.h5", "--segment-frames", "400", "--quiet"],
                                   ranks: 3, timeout: 60)
        XCTAssertEqual(ok.status, 0, ok.stderr)
    }

    /// A rank that dies (SIGKILL, the out-of-memory killer) ends the job: mpirun stops the others.
    /// Rank 2 stalls while correlating, so the job cannot finish before the kill on a fast machine;
    /// rank 1 (found by its Open MPI rank, not its pid) is killed once it runs.
    func testAKilledRankEndsTheJob() throws {
        try simulated()
        let r = try Self.data.run(["estimate", "sim.hdf5", "-o", "killed.h5", "--segment-frames", "400", "--quiet"],
                                  ranks: 3, timeout: 60, environment: ["DRIFTMPI_FAULT": "2:correlate:stall"],
                                  whileRunning: { pid in
                                      for _ in 0..<1000 {
                                          let ranks = ProcessTree.children(named: "driftmpi", of: pid)
                                          if let one = ranks.first(where: { ProcessTree.mpiRank(of: $0) == 1 }) {
                                              usleep(300_000); kill(one, SIGKILL); return
                                          }
                                          usleep(50_000)
                                      }
                                  })
        XCTAssertFalse(r.timedOut, "the job hung after a rank was killed")
        XCTAssertNotEqual(r.status, 0)
        XCTAssertFalse(Self.data.exists("killed.h5"))
    }

    /// SIGTERM (Slurm's time limit, scancel) stops every rank and leaves no partial or temporary file.
    /// Rank 1 stalls at a known point (`DRIFTMPI_FAULT=1:PHASE:stall`), so the signal always arrives
    /// while the job runs, however fast the machine: while reading, while correlating, and with the
    /// temporary result file written but not yet renamed.
    func testTerminationLeavesNoPartialOutput() throws {
        try simulated()
        for phase in ["read", "correlate", "write"] {
            let data = Self.data
            let sawTemporary = LockedFlag()
            let r = try Self.data.run(["estimate", "sim.hdf5", "-o", "term.h5", "--segment-frames", "400",
                                       "--write-corrected", "term_fixed.hdf5", "--quiet"],
                                      ranks: 2, timeout: 60, environment: ["DRIFTMPI_FAULT": "1:\(phase):stall"],
                                      whileRunning: { pid in
                                          // In `write`, wait for the temporary file; elsewhere give the
                                          // ranks time to reach the stall.
                                          for _ in 0..<(phase == "write" ? 900 : 40) {
                                              let names = (try? data.names()) ?? []
                                              if names.contains(where: { $0.hasPrefix(".term") && $0.hasSuffix(".part") }) {
                                                  sawTemporary.set(); usleep(200_000); break
                                              }
                                              usleep(50_000)
                                          }
                                          kill(pid, SIGTERM)
                                      })
            XCTAssertFalse(r.timedOut, phase)
            XCTAssertNotEqual(r.status, 0, phase)
            if phase == "write" { XCTAssertTrue(sawTemporary.value, "the temporary result file never appeared") }
            XCTAssertEqual(try outputs("term"), [], "after SIGTERM in \(phase)")
        }
    }

}
