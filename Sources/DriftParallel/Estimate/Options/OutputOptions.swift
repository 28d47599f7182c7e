/// What an estimate writes and reports besides the result file's contents (`-o`, `--write-corrected`,
/// `--truth`, `--force`, `--quiet`, `--log-json`).
public struct OutputOptions: Equatable, Sendable {
    /// Result file to write (HDF5).
    public var path: String
    /// Also write the localisations with the drift removed here, in the input's format.
    public var writeCorrected: String?
    /// A truth file (`frame,dx_nm,dy_nm,dz_nm`) to measure the RMSE against.
    public var truth: String?
    /// Files the command writes after the pipeline (plot, summary), checked with the outputs before any work.
    public var laterOutputs: [String] = []
    /// Replace outputs that exist (`--force`); otherwise an existing output is an error before any work.
    public var replaceOutputs = false
    /// No progress lines.
    public var quiet = false
    /// Progress as JSON lines on standard error (see `Progress`).
    public var logJSON = false

    public init(path: String) { self.path = path }
}
