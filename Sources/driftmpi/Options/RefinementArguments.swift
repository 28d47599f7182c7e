import ArgumentParser
import DriftCore
import DriftParallel

/// `--no-refine`, `--refine-locs`, `--refine-sigma-nm`, `--refine-smoothing`: the refinement pass of `estimate`
/// (`RefinementSettings`), and `--no-accuracy`, `--accuracy-passes`: its split-halves accuracy estimate (`AccuracyOptions`).
struct RefinementArguments: ParsableArguments {
    @Flag(name: .customLong("no-refine"), help: "Skip the refinement pass (coarse RCC only).")
    var noRefine = false

    @Option(name: .customLong("refine-locs"), help: "Refinement: localisations per short segment (at least; sets its time resolution).")
    var refineLocs: Int = RefinementSettings().localisations

    @Option(name: .customLong("refine-sigma-nm"), help: "Refinement: width of the final alignment kernel, nm (about the localisation precision).")
    var refineSigmaNm: Double = RefinementSettings().sigmaNm

    @Option(name: .customLong("refine-smoothing"), help: "Refinement: smoothing of the correction spline through the short segments: auto (chosen from the data by generalised cross-validation: little for dense data, more for sparse) or a dimensionless value as for --smoothing (0 interpolates).")
    var refineSmoothing: RefinementSmoothing = RefinementSettings().smoothing

    @Flag(name: .customLong("no-accuracy"), help: "Skip the expected-error estimate from two independent halves of the localisations (split by molecule, each refined in at most --accuracy-passes more passes; it took a third to a half of the refinement's time in the measured cases).")
    var noAccuracy = false

    @Option(name: .customLong("accuracy-passes"), help: "Split halves: most refinement passes of each half (at least 1; more is slower and follows each half further from the whole's drift).")
    var accuracyPasses: Int = AccuracyOptions().maxPasses

    /// The split-halves estimate: on unless --no-accuracy (it needs the refinement).
    var accuracy: AccuracyOptions {
        var a = AccuracyOptions()
        a.enabled = !noAccuracy
        a.maxPasses = accuracyPasses
        return a
    }

    var options: RefinementSettings {
        var r = RefinementSettings()
        r.enabled = !noRefine
        r.localisations = refineLocs
        r.sigmaNm = refineSigmaNm
        r.smoothing = refineSmoothing
        return r
    }
}
