/// One time segment of an acquisition: a contiguous range of frames.
public struct Segment: Equatable, Sendable {
    /// Position of the segment in time order, from 0.
    public var index: Int
    /// First frame in the segment (inclusive).
    public var firstFrame: Int
    /// Last frame in the segment (inclusive).
    public var lastFrame: Int

    public init(index: Int, firstFrame: Int, lastFrame: Int) {
        self.index = index
        self.firstFrame = firstFrame
        self.lastFrame = lastFrame
    }

    /// Middle of the frame range, in frames.
    public var midFrame: Double { Double(firstFrame + lastFrame) / 2 }

    /// Whether `frame` falls in this segment.
    public func contains(frame: Int) -> Bool { frame >= firstFrame && frame <= lastFrame }
}

/// The cutting of an acquisition's frames into time segments.
public struct Segmentation: Equatable, Sendable {
    /// The segments, in time order, covering every frame once.
    public var segments: [Segment]

    public init(segments: [Segment]) { self.segments = segments }

    /// Segments of `segmentFrames` frames each over frames `firstFrame ..< firstFrame + frameCount`.
    /// A remainder shorter than a segment joins the last segment, so no segment is short.
    public static func byFrames(firstFrame: Int = 0, frameCount: Int, segmentFrames: Int) -> Segmentation {
        precondition(frameCount > 0 && segmentFrames > 0)
        let count = max(1, frameCount / segmentFrames)
        var segments: [Segment] = []
        segments.reserveCapacity(count)
        for k in 0..<count {
            let first = firstFrame + k * segmentFrames
            let last = k == count - 1 ? firstFrame + frameCount - 1 : first + segmentFrames - 1
            segments.append(Segment(index: k, firstFrame: first, lastFrame: last))
        }
        return Segmentation(segments: segments)
    }

    public var count: Int { segments.count }
    public var firstFrame: Int { segments.first?.firstFrame ?? 0 }
    public var lastFrame: Int { segments.last?.lastFrame ?? -1 }

    /// Index of the segment holding `frame`, or nil outside the acquisition.
    public func segmentIndex(frame: Int) -> Int? {
        guard frame >= firstFrame, frame <= lastFrame else { return nil }
        var lo = 0, hi = segments.count - 1
        while lo < hi {
            let mid = (lo + hi + 1) / 2
            if segments[mid].firstFrame <= frame { lo = mid } else { hi = mid - 1 }
        }
        return lo
    }
}
