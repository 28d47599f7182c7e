import ArgumentParser
import DriftParallel
import Foundation

/// Parses the command line, runs the command on every rank, and prints any error once (rank 0).
enum CommandRunner {
    static func run(_ arguments: [String], communicator: Communicator) -> Int32 {
        let isRoot = communicator.isRoot
        do {
            var command = try Driftmpi.parseAsRoot(arguments)
            if let command = command as? any DriftCommand {
                try command.run(on: communicator)
            } else {
                try command.run()
            }
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
