import ArgumentParser
import DriftParallel

/// `--no-refine`, `--refine-locs`, `--refine-sigma-nm`: the refinement pass of `estimate`
/// (`RefinementSettings`).
struct RefinementArguments: ParsableArguments {
    @Flag(name: .customLong("no-refine"), help: "Skip the refinement pass (coarse RCC only).")
    var noRefine = false

    @Option(name: .customLong("refine-locs"), help: "Refinement: localisations per short segment (at least; sets its time resolution).")
    var refineLocs: Int = RefinementSettings().localisations

    @Option(name: .customLong("refine-sigma-nm"), help: "Refinement: width of the final alignment kernel, nm (about the localisation precision).")
    var refineSigmaNm: Double = RefinementSettings().sigmaNm

    var options: RefinementSettings {
        var r = RefinementSettings()
        r.enabled = !noRefine
        r.localisations = refineLocs
        r.sigmaNm = refineSigmaNm
        return r
    }
}
