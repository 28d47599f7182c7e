import ArgumentParser
import DriftParallel

/// `--dims`, `--bin-z-nm`, `--bin-nm`: how `estimate` renders segments (`RenderingOptions`, with
/// `--tukey` from the command).
struct RenderingArguments: ParsableArguments {
    @Option(help: "2 or 3 (default: 3 when the input has a z column). 2 flattens z.")
    var dims: Typed<Dimensionality>?

    @Option(name: .customLong("bin-z-nm"), help: "Histogram bin size in z, nm (3D).")
    var binZNm: Double = RenderingOptions().binZNm

    @Option(name: .customLong("bin-nm"), help: "Histogram bin size, nm (default: 120 with the refinement, 60 with --no-refine; larger for fields over 90 um or 45 um so that the field spans at most 750 bins).")
    var binNm: Double?

    /// The rendering, with the Tukey window given (nil: each input kind's default).
    func options(tukeyAlpha: Double?) throws -> RenderingOptions {
        var r = RenderingOptions()
        r.dims = try dims?.value(or: "--dims must be 2 or 3")
        r.binZNm = binZNm
        r.binNm = binNm
        r.tukeyAlpha = tukeyAlpha
        return r
    }
}
