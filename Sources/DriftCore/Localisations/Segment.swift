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
