import Foundation
import XCTest

/// Running `driftmpi` in a temporary directory, and the simulated data sets the tests start from.
extension TemporaryDirectory {
    /// `driftmpi args` in this directory: `DriftmpiProcess.run` (timeout in seconds).
    public func run(_ args: [String], ranks: Int = 0, timeout: Double = 120, environment: [String: String] = [:],
                    whileRunning: (@Sendable (pid_t) -> Void)? = nil) throws -> DriftmpiProcess.Outcome {
        try DriftmpiProcess.run(args, ranks: ranks, in: path, timeout: timeout, environment: environment, whileRunning: whileRunning)
    }

    /// `driftmpi args` on one process, unless `output` exists already (an earlier test of the class
    /// made it); a non-zero exit fails the test.
    public func makeOnce(_ output: String, _ args: [String], file: StaticString = #filePath, line: UInt = #line) throws {
        guard !exists(output) else { return }
        let r = try run(args)
        XCTAssertEqual(r.status, 0, r.stderr, file: file, line: line)
    }

    /// A new directory `driftmpi-NAME-UUID` holding `sim.hdf5` (with `sim.yaml` and `sim_truth.csv`):
    /// 8000 frames of 2000 sites simulated with `seed`.
    public static func simulated(_ name: String, seed: Int, file: StaticString = #filePath, line: UInt = #line) throws -> TemporaryDirectory {
        let dir = TemporaryDirectory(name)
        try dir.makeOnce("sim.hdf5", ["simulate", "locs", "sim.hdf5", "--frames", "8000", "--sites", "2000", "--seed", String(seed)],
                         file: file, line: line)
        return dir
    }
}
