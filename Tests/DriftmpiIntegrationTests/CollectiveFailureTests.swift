import Foundation
import XCTest

/// A failure on one rank ends every rank, quickly, with one message and no output: injected in
/// every phase (`DRIFTMPI_FAULT=RANK:PHASE`), a rank killed with SIGKILL, and the job stopped with
/// SIGTERM as Slurm does at the time limit.
final class CollectiveFailureTests: XCTestCase {
    static let data: String = {
        let dir = NSTemporaryDirectory() + "driftmpi-faults-" + UUID().uuidString
        try! FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }()

    override class func tearDown() { try? FileManager.default.removeItem(atPath: data) }

    func simulated() throws {
        guard !FileManager.default.fileExists(atPath: Self.data + "/sim.hdf5") else { return }
        let r = try DriftmpiProcess.run(["simulate", "locs", "sim.hdf5", "--frames", "8000", "--sites", "2000", "--seed", "3"], in: Self.data)
        XCTAssertEqual(r.status, 0, r.stderr)
    }

    func outputs(_ stem: String) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: Self.data).filter { $0.contains(stem) }
    }

    func testAFaultInAnyPhaseEndsEveryRank() throws {
        try simulated()
        for phase in ["read", "render", "correlate", "solve", "refine", "write"] {
            let out = "fault-\(phase)"
            let r = try DriftmpiProcess.run(["estimate", "sim.hdf5", "-o", out + ".h5", "--segment-frames", "400", "--quiet"],
                                            ranks: 3, in: Self.data, timeout: 30, environment: ["DRIFTMPI_FAULT": "1:\(phase)"])
            XCTAssertFalse(r.timedOut, "\(phase): hung")
            XCTAssertLessThan(r.seconds, DriftmpiProcess.livenessSeconds, "\(phase): every rank must end within the liveness bound")
            XCTAssertNotEqual(r.status, 0, phase)
            XCTAssertEqual(r.errorLines, ["driftmpi: error: DRIFTMPI_FAULT: injected failure on rank 1 in phase \(phase)"],
                           "\(phase): \(r.stderr)")
            XCTAssertEqual(try outputs(out), [], "\(phase): output left behind")
        }
        // The same run without the fault succeeds.
        let ok = try DriftmpiProcess.run(["estimate", "sim.hdf5", "-o", "nofault.h5", "--segment-frames", "400", "--quiet"],
                                         ranks: 3, in: Self.data, timeout: 60)
        XCTAssertEqual(ok.status, 0, ok.stderr)
    }

    /// A rank that dies (SIGKILL, the out-of-memory killer) ends the job: mpirun stops the others.
    /// Rank 2 stalls while correlating, so the job cannot finish before the kill on a fast machine;
    /// rank 1 (found by its Open MPI rank, not its pid) is killed once it runs.
    func testAKilledRankEndsTheJob() throws {
        try simulated()
        let r = try DriftmpiProcess.run(["estimate", "sim.hdf5", "-o", "killed.h5", "--segment-frames", "400", "--quiet"],
                                        ranks: 3, in: Self.data, timeout: 60, environment: ["DRIFTMPI_FAULT": "2:correlate:stall"],
                                        whileRunning: { pid in
                                            for _ in 0..<1000 {
                                                let ranks = Self.children(named: "driftmpi", of: pid)
                                                if let one = ranks.first(where: { Self.mpiRank(of: $0) == 1 }) {
                                                    usleep(300_000); kill(one, SIGKILL); return
                                                }
                                                usleep(50_000)
                                            }
                                        })
        XCTAssertFalse(r.timedOut, "the job hung after a rank was killed")
        XCTAssertNotEqual(r.status, 0)
        XCTAssertFalse(FileManager.default.fileExists(atPath: Self.data + "/killed.h5"))
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
            let r = try DriftmpiProcess.run(["estimate", "sim.hdf5", "-o", "term.h5", "--segment-frames", "400",
                                             "--write-corrected", "term_fixed.hdf5", "--quiet"],
                                            ranks: 2, in: Self.data, timeout: 60, environment: ["DRIFTMPI_FAULT": "1:\(phase):stall"],
                                            whileRunning: { pid in
                                                // In `write`, wait for the temporary file; elsewhere give the
                                                // ranks time to reach the stall.
                                                for _ in 0..<(phase == "write" ? 900 : 40) {
                                                    let names = (try? FileManager.default.contentsOfDirectory(atPath: data)) ?? []
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

    /// The MPI rank of process `pid` (Open MPI's `OMPI_COMM_WORLD_RANK` in its environment).
    static func mpiRank(of pid: pid_t) -> Int? {
        guard let data = FileManager.default.contents(atPath: "/proc/\(pid)/environ") else { return nil }
        let prefix = "OMPI_COMM_WORLD_RANK="
        for entry in data.split(separator: 0) {
            let text = String(decoding: entry, as: UTF8.self)
            if text.hasPrefix(prefix) { return Int(text.dropFirst(prefix.count)) }
        }
        return nil
    }

    /// Process ids of the processes named `name` among the descendants of `pid`, in id order.
    static func children(named name: String, of pid: pid_t) -> [pid_t] {
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: "/proc") else { return [] }
        var parent: [pid_t: pid_t] = [:], command: [pid_t: String] = [:]
        for e in entries {
            guard let p = pid_t(e), let stat = try? String(contentsOfFile: "/proc/\(e)/stat", encoding: .utf8),
                  let open = stat.firstIndex(of: "("), let close = stat.lastIndex(of: ")") else { continue }
            command[p] = String(stat[stat.index(after: open)..<close])
            let rest = stat[stat.index(close, offsetBy: 2)...].split(separator: " ")
            if rest.count > 1, let pp = pid_t(rest[1]) { parent[p] = pp }
        }
        func descends(_ p: pid_t) -> Bool {
            var q = p
            for _ in 0..<16 { guard let pp = parent[q] else { return false }; if pp == pid { return true }; q = pp }
            return false
        }
        return command.keys.filter { command[$0] == name && descends($0) }.sorted()
    }
}

/// A flag set on one thread and read on another.
final class LockedFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var flag = false
    func set() { lock.lock(); flag = true; lock.unlock() }
    var value: Bool { lock.lock(); defer { lock.unlock() }; return flag }
}
