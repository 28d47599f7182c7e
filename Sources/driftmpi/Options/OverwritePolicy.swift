import ArgumentParser
import DriftIO

/// `--force`, shared by every command that writes files: whether outputs that exist may be replaced.
struct OverwritePolicy: ParsableArguments {
    @Flag(help: "Replace output files that exist. Without it an existing output is an error, found before any work, and nothing is written.")
    var force = false

    /// Checks, before any work, that `outputs` can be written: distinct, none of them an input, in
    /// writable directories, and new unless --force (see `OutputPaths.check`).
    func check(_ outputs: [String], inputs: [String]) throws {
        try OutputPaths.check(outputs, inputs: inputs, replacing: force)
    }
}
