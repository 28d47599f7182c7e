import ArgumentParser
import DriftParallel

/// `-o FILE` and `--force`, shared by the four `drift` subcommands (each gives its own help for `-o`):
/// one output, checked before any work, written by rank 0 while the other ranks wait.
struct DriftOutput<Help: DriftOutputHelp>: ParsableArguments {
    @Option(name: .shortAndLong, help: ArgumentHelp(Help.output))
    var output: String

    @OptionGroup(title: "Outputs")
    var overwrite: OverwritePolicy

    /// Checks the output against `inputs` (see `OverwritePolicy`), then runs `body` on rank 0 and
    /// agrees on its outcome (`Drift.onRoot`); rank 0 prints the line `body` returns.
    func write(inputs: [String], on comm: Communicator, _ body: () throws -> String) throws {
        try Drift.onRoot(comm) {
            try overwrite.check([output], inputs: inputs)
            return try body()
        }
    }
}
