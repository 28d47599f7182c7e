import DriftIO

/// Parameters of `driftmpi apply` on localisations.
public struct ApplyOptions: Sendable {
    /// Drift file (a driftmpi result, or one made by `driftmpi drift`).
    public var drift: String
    /// Localisation file to correct, and how to read it.
    public var input: String
    public var table = TableOptions()
    /// Corrected file to write, in the input's format.
    public var output: String
    /// Frames outside the drift file's hold its first or last drift, instead of being an error.
    public var holdOutside = false
    /// Image stacks: padding of the Fourier shift (multiple of the size), and float output.
    public var pad: Double = ApplyOptions.defaultPad
    /// The default of `pad`.
    public static let defaultPad = 2.0
    public var floatOutput = false
    public var quiet = false
    /// Progress as JSON lines on standard error (see `Progress`).
    public var logJSON = false
    /// Files the command writes after the pipeline (summary), checked with the output before any work.
    public var laterOutputs: [String] = []
    /// Replace outputs that exist (`--force`); otherwise an existing output is an error before any work.
    public var replaceOutputs = false

    public init(drift: String, input: String, output: String) {
        self.drift = drift
        self.input = input
        self.output = output
    }
}
