import ArgumentParser
import DriftParallel
import Foundation

/// Exit codes of driftmpi (the same on every rank).
enum ExitCode {
    static let success: Int32 = 0
    /// Bad input, an unwritable output, or a failure during the run.
    static let failure: Int32 = 1
    /// The command line is not understood (ArgumentParser's validation code).
    static let usage: Int32 = 64
}

/// Parses the command line, runs the command on every rank, and prints any error once (rank 0).
enum CommandRunner {
    /// The communicator the commands run on.
    nonisolated(unsafe) static var communicator: Communicator!

    static func run(_ arguments: [String], communicator: Communicator) -> Int32 {
        self.communicator = communicator
        let isRoot = communicator.isRoot
        do {
            var command = try Driftmpi.parseAsRoot(arguments)
            try command.run()
            return ExitCode.success
        } catch let failure as CollectiveFailure {
            if isRoot { printError("driftmpi: error: \(failure.message)") }
            return ExitCode.failure
        } catch {
            // Parsing errors and help are the same on every rank: rank 0 speaks.
            let code = Driftmpi.exitCode(for: error).rawValue
            if isRoot {
                let text = Driftmpi.fullMessage(for: error)
                if code == 0 { print(text) } else { printError(text) }
            }
            return code == 0 ? ExitCode.success : (code == ExitCode.usage ? ExitCode.usage : ExitCode.failure)
        }
    }

    static func printError(_ text: String) {
        FileHandle.standardError.write(Data((text + "\n").utf8))
    }
}
