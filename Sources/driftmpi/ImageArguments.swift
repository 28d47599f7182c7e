import ArgumentParser
import DriftCore

/// How image stacks are prepared before their time points are correlated (`estimate` on a stack).
struct ImageArguments: ParsableArguments {
    @Option(name: .customLong("clip-low"), help: ArgumentHelp("Image stacks: pixels below this value, or percentile of each plane (p1 or 1%), are clipped.", valueName: "value|pN"))
    var clipLow: String?

    @Option(name: .customLong("clip-high"), help: ArgumentHelp("Image stacks: pixels above this value or percentile (p99.9) are clipped.", valueName: "value|pN"))
    var clipHigh: String?

    @Option(name: .customLong("clip-fill"), help: "Image stacks: value given to clipped pixels (default: the bound they crossed).")
    var clipFill: Double?

    @Option(help: "Image stacks: side of a square median filter on each plane, pixels (0: none).")
    var median: Int = 0

    @Option(name: .customLong("bin-x"), help: "Image stacks: pixels averaged in x (remainder cropped).")
    var binX: Int = 1

    @Option(name: .customLong("bin-y"), help: "Image stacks: pixels averaged in y (remainder cropped).")
    var binY: Int = 1

    @Option(name: .customLong("bin-t"), help: "Image stacks: time points averaged into one segment (the drift is still given at every time point).")
    var binT: Int = 1

    @Option(name: .customLong("max-drift-px"), help: "Image stacks: largest drift between two segments that is searched for, raw pixels.")
    var maxDriftPx: Double = 64

    @Option(name: .customLong("max-residual-px"), help: "Image stacks: drop pairs whose residual exceeds this, raw pixels (0 = keep all).")
    var maxResidualPx: Double = 1

    func validate() throws {
        for (name, text) in [("--clip-low", clipLow), ("--clip-high", clipHigh)] {
            if let t = text, ClipBound(t) == nil { throw ValidationError("\(name) must be a number or a percentile such as p99.5 or 99.5%") }
        }
        guard median >= 0, median <= 15 else { throw ValidationError("--median must be between 0 and 15") }
        guard binX >= 1, binY >= 1, binT >= 1 else { throw ValidationError("--bin-x, --bin-y and --bin-t must be at least 1") }
        guard maxDriftPx > 0, maxDriftPx.isFinite else { throw ValidationError("--max-drift-px must be positive") }
        guard maxResidualPx >= 0, maxResidualPx.isFinite else { throw ValidationError("--max-residual-px must be 0 or positive") }
    }

    /// The preprocessing, with the Tukey window given (`--tukey`; 0.25 for stacks by default).
    func preprocessing(tukey: Double?) -> ImagePreprocessing {
        var p = ImagePreprocessing()
        p.clipLow = clipLow.flatMap(ClipBound.init)
        p.clipHigh = clipHigh.flatMap(ClipBound.init)
        p.clipFill = clipFill
        p.median = median
        p.binX = binX
        p.binY = binY
        p.binT = binT
        p.tukeyAlpha = tukey ?? 0.25
        return p
    }
}
