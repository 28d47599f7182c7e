import Foundation
import XCTest

/// Runs the built `driftmpi` executable, alone or under `mpirun`, as a child process.
public struct DriftmpiProcess {
    /// How a run ended: exit status, captured output, wall time (s), and whether it was stopped at its timeout.
    public struct Outcome: Sendable {
        public var status: Int32
        public var stdout: String
        public var stderr: String
        /// Wall-clock seconds from start to exit.
        public var seconds: Double
        public var timedOut: Bool
        /// Lines of standard error that are driftmpi's own error messages.
        public var errorLines: [String] { stderr.split(separator: "\n").map(String.init).filter { $0.hasPrefix("driftmpi: error:") } }
    }

    /// The executable next to the test bundle (`swift build` puts both in the same folder), or
    /// `$DRIFTMPI_BIN`.
    public static var executable: String {
        if let env = ProcessInfo.processInfo.environment["DRIFTMPI_BIN"] { return env }
        let here = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for candidate in [Bundle.main.bundleURL, here, Bundle.main.bundleURL.deletingLastPathComponent()] {
            let path = candidate.appendingPathComponent("driftmpi").path
            if FileManager.default.isExecutableFile(atPath: path) { return path }
        }
        return here.appendingPathComponent("driftmpi").path
    }

    /// Seconds within which every rank must end after a failure (the 10 s;
    /// `DRIFTMPI_TEST_LIVENESS_S` raises it for sanitizer builds, which run several times slower).
    public static let livenessSeconds: Double = ProcessInfo.processInfo.environment["DRIFTMPI_TEST_LIVENESS_S"].flatMap(Double.init) ?? 10

    /// `driftmpi args` on `ranks` MPI processes (ranks 0: without mpirun), in `directory`, stopped
    /// after `timeout` seconds, with `environment` added to this process's; `whileRunning` is called
    /// with the child's process id once it has started (on another thread).
    public static func run(_ args: [String], ranks: Int = 0, in directory: String, timeout: Double = 120,
                    environment: [String: String] = [:], whileRunning: (@Sendable (pid_t) -> Void)? = nil) throws -> Outcome {
        let exe = executable
        guard FileManager.default.isExecutableFile(atPath: exe) else {
            XCTFail("driftmpi is not built at \(exe): run 'swift build' before 'swift test'")
            throw CocoaError(.fileNoSuchFile)
        }
        let p = Process()
        if ranks > 0 {
            p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            p.arguments = ["mpirun", "--oversubscribe", "-n", String(ranks), exe] + args
        } else {
            p.executableURL = URL(fileURLWithPath: exe)
            p.arguments = args
        }
        var env = ProcessInfo.processInfo.environment
        env["OMPI_ALLOW_RUN_AS_ROOT"] = "1"
        env["OMPI_ALLOW_RUN_AS_ROOT_CONFIRM"] = "1"
        env["OMPI_MCA_rmaps_base_oversubscribe"] = "1"
        env.merge(environment) { $1 }
        p.environment = env
        p.currentDirectoryURL = URL(fileURLWithPath: directory)
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        p.standardInput = FileHandle.nullDevice
        // Drain the pipes while the process runs so a chatty child never blocks.
        final class Captured: @unchecked Sendable {
            let lock = NSLock()
            var data: [Bool: Data] = [:]
        }
        let captured = Captured()
        let group = DispatchGroup()
        for (pipe, isOut) in [(out, true), (err, false)] {
            group.enter()
            DispatchQueue.global().async {
                let d = pipe.fileHandleForReading.readDataToEndOfFile()
                captured.lock.lock()
                captured.data[isOut] = d
                captured.lock.unlock()
                group.leave()
            }
        }
        let start = Date()
        try p.run()
        if let action = whileRunning {
            let pid = p.processIdentifier
            group.enter()
            DispatchQueue.global().async { action(pid); group.leave() }
        }
        var timedOut = false
        while p.isRunning {
            if Date().timeIntervalSince(start) > timeout {
                timedOut = true
                p.terminate()
                kill(p.processIdentifier, SIGKILL)
                break
            }
            usleep(20_000)
        }
        p.waitUntilExit()
        group.wait()
        return Outcome(status: p.terminationStatus, stdout: String(decoding: captured.data[true] ?? Data(), as: UTF8.self),
                       stderr: String(decoding: captured.data[false] ?? Data(), as: UTF8.self),
                       seconds: Date().timeIntervalSince(start), timedOut: timedOut)
    }
}
