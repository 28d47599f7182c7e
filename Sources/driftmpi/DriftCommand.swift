import ArgumentParser
import DriftParallel

/// A command that runs on every rank of a communicator, which `CommandRunner` passes in.
protocol DriftCommand: ParsableCommand {
    func run(on communicator: Communicator) throws
}

extension DriftCommand {
    /// Commands run through `CommandRunner`, with the communicator; ArgumentParser's entry point is not used.
    func run() throws {
        throw ValidationError("driftmpi commands run through CommandRunner.run(_:communicator:)")
    }
}
