import DriftCore
import DriftIO

/// How the acquisition is cut into time segments (`--segment-frames`, `--segment-step`,
/// `--segment-locs`, `--min-segment-locs`).
public struct SegmentationOptions: Equatable, Sendable {
    /// Frames per segment (when `localisations` is nil).
    public var frames: Int = 1000
    /// Frames between segment starts; nil: `frames` (no overlap).
    public var step: Int?
    /// Localisations per segment instead of a fixed frame count (segments of equal counts); nil: by frames.
    public var localisations: Int?
    /// Segments with fewer localisations are not correlated.
    public var minLocalisations: Int = 50

    public init() {}

    /// Frames between segment starts, `frames` when no step is given.
    public var effectiveStep: Int { step ?? frames }
    /// Whether segments overlap (a step below the segment length).
    public var overlaps: Bool { effectiveStep < frames }

    public func validate() throws {
        guard frames >= 1 else { throw OptionError("--segment-frames must be at least 1") }
        if let step {
            guard step >= 1, step <= frames else { throw OptionError("--segment-step must be between 1 and --segment-frames") }
        }
        if let n = localisations { guard n >= 10 else { throw OptionError("--segment-locs must be at least 10") } }
        guard minLocalisations >= 1 else { throw OptionError("--min-segment-locs must be at least 1") }
    }

    /// `segmentation`, `segment_frames`, `segment_step`, `segment_locs` (0: by frames), `min_segment_locs`.
    public var attributes: [(String, AttributeValue)] {
        [("segmentation", .string(localisations == nil ? "frames" : "localisations")),
         ("segment_frames", .int(Int64(frames))),
         ("segment_step", .int(Int64(effectiveStep))),
         ("segment_locs", .int(Int64(localisations ?? 0))),
         ("min_segment_locs", .int(Int64(minLocalisations)))]
    }
}
