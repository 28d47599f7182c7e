extension RandomAccessCollection {
    /// The index of the first element for which `belongsInSecondPartition` is true, by binary search:
    /// the collection must be partitioned by the predicate (every element for which it is false comes
    /// before every element for which it is true). `endIndex` when it is true for no element.
    ///
    /// On a collection sorted in increasing order, `partitioningIndex { $0 >= x }` is the lower bound of
    /// `x` (the first element not below it) and `partitioningIndex { $0 > x }` its upper bound (the first
    /// element above it), so the elements at `upper - 1` and `upper` bracket `x`. The predicate is
    /// called O(log n) times, each time on the middle element `lo + (hi - lo) / 2` of the range
    /// `lo ..< hi` still open (so a predicate that reads from a file reads O(log n) values).
    @inlinable
    public func partitioningIndex(where belongsInSecondPartition: (Element) throws -> Bool) rethrows -> Index {
        var lo = startIndex, hi = endIndex
        while lo < hi {
            let mid = index(lo, offsetBy: distance(from: lo, to: hi) / 2)
            if try belongsInSecondPartition(self[mid]) { hi = mid } else { lo = index(after: mid) }
        }
        return lo
    }
}
