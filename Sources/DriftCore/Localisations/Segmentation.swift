/// The cutting of an acquisition's frames into time segments.
public struct Segmentation: Equatable, Sendable {
    /// The segments, in time order, covering every frame once.
    public var segments: [Segment]

    public init(segments: [Segment]) { self.segments = segments }

    /// Segments of `segmentFrames` frames each over frames `firstFrame ..< firstFrame + frameCount`,
    /// starting every `step` frames (default: `segmentFrames`, no overlap; smaller steps give
    /// overlapping windows). The last segment runs to the last frame, so no frame is left out and no
    /// segment is short.
    public static func byFrames(firstFrame: Int = 0, frameCount: Int, segmentFrames: Int, step: Int? = nil) -> Segmentation {
        precondition(frameCount > 0 && segmentFrames > 0)
        let step = max(1, step ?? segmentFrames)
        let count = frameCount <= segmentFrames ? 1 : (frameCount - segmentFrames) / step + 1
        var segments: [Segment] = []
        segments.reserveCapacity(count)
        for k in 0..<count {
            let first = firstFrame + k * step
            let last = k == count - 1 ? firstFrame + frameCount - 1 : first + segmentFrames - 1
            segments.append(Segment(index: k, firstFrame: first, lastFrame: last))
        }
        return Segmentation(segments: segments)
    }

    /// Segments that start at the given frames (increasing; duplicates merged), the last running to
    /// `lastFrame`: for example the frames of every N-th localisation, for segments of equal counts.
    public static func byStarts(_ starts: [Int], lastFrame: Int) -> Segmentation {
        var unique: [Int] = []
        for f in starts where f <= lastFrame && (unique.last.map({ f > $0 }) ?? true) { unique.append(f) }
        var segments: [Segment] = []
        for (k, f) in unique.enumerated() {
            let last = k + 1 < unique.count ? unique[k + 1] - 1 : lastFrame
            segments.append(Segment(index: k, firstFrame: f, lastFrame: last))
        }
        return Segmentation(segments: segments)
    }

    /// Whether segments overlap (windows started more often than they are long).
    public var overlaps: Bool {
        zip(segments, segments.dropFirst()).contains { $0.lastFrame >= $1.firstFrame }
    }

    /// The frames that segment `k` alone stands for: from its first frame up to the next segment's
    /// first frame (the whole segment when they do not overlap). These cores cover every frame once.
    public func core(_ k: Int) -> ClosedRange<Int> {
        let s = segments[k]
        let end = k + 1 < segments.count ? segments[k + 1].firstFrame - 1 : s.lastFrame
        return s.firstFrame...max(s.firstFrame, end)
    }

    public var count: Int { segments.count }
    public var firstFrame: Int { segments.first?.firstFrame ?? 0 }
    public var lastFrame: Int { segments.last?.lastFrame ?? -1 }

    /// Index of the segment holding `frame`, or nil outside the acquisition.
    public func segmentIndex(frame: Int) -> Int? {
        guard frame >= firstFrame, frame <= lastFrame else { return nil }
        // The last segment starting at or before `frame` (segments start in increasing order).
        return segments.partitioningIndex { $0.firstFrame > frame } - 1
    }
}
