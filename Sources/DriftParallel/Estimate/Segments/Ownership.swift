/// Which contiguous range of segments each process owns: segments are dealt out in time order, so
/// process r's data is one contiguous run of frames (and of rows in a frame-sorted file), in ranges
/// balanced by weight (localisations per segment).
public struct Ownership: Equatable, Sendable {
    public let segmentCount: Int
    public let processCount: Int
    /// Process r owns segments starts[r] ..< starts[r + 1].
    public let starts: [Int]

    /// Equal numbers of segments (within one).
    public init(segmentCount: Int, processCount: Int) {
        self.init(weights: [Int64](repeating: 1, count: segmentCount), processCount: processCount)
    }

    /// Contiguous ranges balanced by `weights`: a segment goes to the process whose equal share of the
    /// total weight holds the middle of the segment's own weight, so no process is more than half a
    /// segment's weight off its share. All weights zero: equal numbers of segments.
    public init(weights: [Int64], processCount: Int) {
        precondition(processCount > 0 && weights.allSatisfy { $0 >= 0 })
        segmentCount = weights.count
        self.processCount = processCount
        let total = weights.reduce(0, +)
        var starts = [Int](repeating: weights.count, count: processCount + 1)
        starts[0] = 0
        var before: Int64 = 0
        var next = 1           // the next process whose first segment is still to be found
        for (k, w) in weights.enumerated() {
            // Owner of k: floor(P * middle / total), with middle = before + w / 2 (doubled to stay integer).
            let owner = total > 0
                ? Int((Int64(processCount) * (2 * before + w)) / (2 * total))
                : k * processCount / max(weights.count, 1)
            while next <= min(owner, processCount - 1) { starts[next] = k; next += 1 }
            before += w
        }
        self.starts = starts
    }

    /// Segments owned by `rank` (empty when there are more processes than segments).
    public func segments(of rank: Int) -> Range<Int> { starts[rank]..<starts[rank + 1] }

    /// The process that owns `segment`.
    public func owner(of segment: Int) -> Int {
        var r = 0
        while r + 1 < processCount && starts[r + 1] <= segment { r += 1 }
        return r
    }
}
