/// Which contiguous range of segments each process owns: segments are dealt out in blocks in time
/// order, so process r's data is one contiguous run of frames (and of rows in a frame-sorted file).
public struct Ownership: Equatable, Sendable {
    public let segmentCount: Int
    public let processCount: Int

    public init(segmentCount: Int, processCount: Int) {
        precondition(processCount > 0)
        self.segmentCount = segmentCount
        self.processCount = processCount
    }

    /// Segments owned by `rank` (empty when there are more processes than segments).
    public func segments(of rank: Int) -> Range<Int> {
        let lo = rank * segmentCount / processCount
        let hi = (rank + 1) * segmentCount / processCount
        return lo..<hi
    }
}
