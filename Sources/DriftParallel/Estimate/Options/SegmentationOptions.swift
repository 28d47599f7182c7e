import DriftCore
import DriftIO

/// How the acquisition is cut into time segments (`--segment-frames`, `--segment-step`,
/// `--segment-locs`, `--min-segment-locs`): by frames, by localisations, or, when neither is given,
/// chosen from the data (`AutomaticSegmentation`).
public struct SegmentationOptions: Equatable, Sendable {
    /// Frames per segment; nil: not by frames.
    public var frames: Int?
    /// Frames between segment starts (with `frames`); nil: `frames` (no overlap).
    public var step: Int?
    /// Localisations per segment (segments of equal counts); nil: not by count.
    public var localisations: Int?
    /// Segments with fewer localisations are not correlated.
    public var minLocalisations: Int = 50

    public init() {}

    /// Whether the segments are chosen from the data (neither frames nor localisations given).
    public var automatic: Bool { frames == nil && localisations == nil }
    /// Frames between segment starts, `frames` when no step is given (0 when not by frames).
    public var effectiveStep: Int { step ?? frames ?? 0 }
    /// Whether segments overlap (a step below the segment length).
    public var overlaps: Bool { frames.map { effectiveStep < $0 } ?? false }

    public func validate() throws {
        if let frames { guard frames >= 1 else { throw OptionError("--segment-frames must be at least 1") } }
        if let step {
            guard let frames else { throw OptionError("--segment-step needs --segment-frames") }
            guard step >= 1, step <= frames else { throw OptionError("--segment-step must be between 1 and --segment-frames") }
        }
        if let n = localisations {
            guard n >= 10 else { throw OptionError("--segment-locs must be at least 10") }
            guard frames == nil else { throw OptionError("--segment-frames and --segment-locs cannot both be given") }
        }
        guard minLocalisations >= 1 else { throw OptionError("--min-segment-locs must be at least 1") }
    }

    /// `segmentation` (`automatic`, `frames` or `localisations`), `segment_frames` (0: not by frames),
    /// `segment_step`, `segment_locs` (the count used, also the automatic one: `chosen`; 0: by
    /// frames), `min_segment_locs`.
    public func attributes(chosen: Int? = nil) -> [(String, AttributeValue)] {
        [("segmentation", .string(automatic ? "automatic" : localisations == nil ? "frames" : "localisations")),
         ("segment_frames", .int(Int64(frames ?? 0))),
         ("segment_step", .int(Int64(effectiveStep))),
         ("segment_locs", .int(Int64(localisations ?? chosen ?? 0))),
         ("min_segment_locs", .int(Int64(minLocalisations)))]
    }
}
