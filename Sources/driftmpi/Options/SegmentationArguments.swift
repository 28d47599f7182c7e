import ArgumentParser
import DriftParallel

/// `--segment-frames`, `--segment-step`, `--segment-locs`: how `estimate` cuts the acquisition into
/// time segments (`SegmentationOptions`, with `--min-segment-locs` from the command); neither: chosen
/// from the data.
struct SegmentationArguments: ParsableArguments {
    @Option(name: .customLong("segment-frames"), help: "Frames per time segment (default: chosen from the data: segments of equal localisation counts, about 1000 frames' worth at the data's mean density, 10 segments on short acquisitions, at least 200 localisations each; printed and stored in the result as segment_locs).")
    var segmentFrames: Int?

    @Option(name: .customLong("segment-step"), help: "Frames between segment starts (default: --segment-frames; smaller values give overlapping windows, with --method rcc and --window 2 or more).")
    var segmentStep: Int?

    @Option(name: .customLong("segment-locs"), help: "Segments of this many localisations each instead of a fixed frame count.")
    var segmentLocs: Int?

    /// The segmentation, with segments of fewer than `minLocalisations` left uncorrelated.
    func options(minLocalisations: Int) -> SegmentationOptions {
        var s = SegmentationOptions()
        s.frames = segmentFrames
        s.step = segmentStep
        s.localisations = segmentLocs
        s.minLocalisations = minLocalisations
        return s
    }
}
