/// Exit codes of driftmpi (the same on every rank).
enum ExitCode {
    static let success: Int32 = 0
    /// Bad input, an unwritable output, or a failure during the run.
    static let failure: Int32 = 1
    /// The command line is not understood (ArgumentParser's validation code).
    static let usage: Int32 = 64
}
