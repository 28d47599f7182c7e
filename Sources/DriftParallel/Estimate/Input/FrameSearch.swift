import DriftCore

/// Binary search on a sorted frame column (DriftCore's `partitioningIndex`).
enum FrameSearch {
    /// The first index of sorted `frames` whose frame is >= `value`.
    static func lowerBound<F: BinaryInteger>(_ frames: [F], _ value: Int) -> Int {
        frames.partitioningIndex { Int($0) >= value }
    }

    /// Indices of sorted `frames` with frames in `lo...hi`.
    static func rows<F: BinaryInteger>(_ frames: [F], frames lo: Int, through hi: Int) -> Range<Int> {
        lowerBound(frames, lo)..<lowerBound(frames, hi + 1)
    }
}
