import DriftCore
import DriftIO

/// Parameters of a drift estimate, in parts with one home each: how the input is read, cut into
/// segments, rendered, correlated and solved, the refinement, what is written, and (in pixels) how
/// image stacks are prepared. Every part holds its own defaults, checks and result attributes; a
/// run never changes them.
public struct EstimateOptions: Equatable, Sendable {
    /// Input localisation file (Picasso, PYME, ThunderSTORM or CSV; see `LocalisationTables`) or image stack.
    public var input: String
    /// How to read a CSV input (columns, units, frame base).
    public var table = TableOptions()
    public var segmentation = SegmentationOptions()
    public var rendering = RenderingOptions()
    public var correlation = CorrelationOptions()
    public var solve = SolveOptions()
    public var refinement = RefinementSettings()
    /// The split-halves accuracy estimate after the refinement.
    public var accuracy = AccuracyOptions()
    /// Whether fiducial beads give the drift where they are present (`--fiducials`).
    public var fiducials = FiducialMode.none
    public var output: OutputOptions
    public var images = ImageStackOptions()

    public init(input: String, output: String) {
        self.input = input
        self.output = OutputOptions(path: output)
    }

    /// Every part's checks, then the rules that join parts: overlapping segments need RCC with a
    /// window of 2 or more, so that the pairs link every segment.
    public func validate() throws {
        try correlation.validate()
        try segmentation.validate()
        if let step = segmentation.step {
            let linked = correlation.method == .rcc && correlation.window != .next(1)
            guard step == segmentation.frames ?? step || linked else {
                throw OptionError("overlapping segments (--segment-step below --segment-frames) need --method rcc with --window 2 or more, so that the pairs link every segment")
            }
            guard correlation.method != .mcc || step >= segmentation.frames ?? step else {
                throw OptionError("overlapping segments (--segment-step below --segment-frames) work with rcc and dcc, not mcc")
            }
        }
        try rendering.validate()
        try solve.validate()
        try refinement.validate()
        try accuracy.validate()
        try images.validate()
    }
}
