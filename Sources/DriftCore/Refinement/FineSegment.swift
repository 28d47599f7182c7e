/// A short time segment of the refinement pass.
public struct FineSegment: Equatable, Sendable {
    public var firstFrame: Int
    public var lastFrame: Int
    /// Row range in the caller's table.
    public var rows: Range<Int>
    public init(firstFrame: Int, lastFrame: Int, rows: Range<Int>) {
        self.firstFrame = firstFrame
        self.lastFrame = lastFrame
        self.rows = rows
    }
}
