import ArgumentParser
import DriftCore
import DriftParallel

/// How image stacks are prepared before their time points are correlated (`estimate` on a stack).
struct ImageArguments: ParsableArguments {
    @Option(name: .customLong("clip-low"), help: ArgumentHelp("Image stacks: pixels below this value, or percentile of each plane (p1 or 1%), are clipped.", valueName: "value|pN"))
    var clipLow: Typed<ClipBound>?

    @Option(name: .customLong("clip-high"), help: ArgumentHelp("Image stacks: pixels above this value or percentile (p99.9) are clipped.", valueName: "value|pN"))
    var clipHigh: Typed<ClipBound>?

    @Option(name: .customLong("clip-fill"), help: "Image stacks: value given to clipped pixels (default: the bound they crossed).")
    var clipFill: Double?

    @Option(help: "Image stacks: side of a square median filter on each plane, pixels (0: none).")
    var median: Int = ImagePreprocessing().median

    @Option(name: .customLong("bin-x"), help: "Image stacks: pixels averaged in x (remainder cropped).")
    var binX: Int = ImagePreprocessing().binX

    @Option(name: .customLong("bin-y"), help: "Image stacks: pixels averaged in y (remainder cropped).")
    var binY: Int = ImagePreprocessing().binY

    @Option(name: .customLong("bin-t"), help: "Image stacks: time points averaged into one segment (the drift is still given at every time point).")
    var binT: Int = ImagePreprocessing().binT

    @Option(name: .customLong("max-drift-px"), help: "Image stacks: largest drift between two segments that is searched for, raw pixels.")
    var maxDriftPx: Double = ImageStackOptions().maxDriftPx

    @Option(name: .customLong("max-residual-px"), help: "Image stacks: drop pairs whose residual exceeds this, raw pixels (0 = keep all).")
    var maxResidualPx: Double = ImageStackOptions().maxResidualPx

    func validate() throws {
        _ = try options
    }

    /// The image-stack part of the estimate's options (pixels), checked.
    var options: ImageStackOptions {
        get throws {
            var o = ImageStackOptions()
            let message = { (name: String) in "\(name) must be a number or a percentile such as p99.5 or 99.5%" }
            o.preparation.clipLow = try clipLow?.value(or: message("--clip-low"))
            o.preparation.clipHigh = try clipHigh?.value(or: message("--clip-high"))
            o.preparation.clipFill = clipFill
            o.preparation.median = median
            o.preparation.binX = binX
            o.preparation.binY = binY
            o.preparation.binT = binT
            o.maxDriftPx = maxDriftPx
            o.maxResidualPx = maxResidualPx
            try OptionError.asValidation { try o.validate() }
            return o
        }
    }
}
