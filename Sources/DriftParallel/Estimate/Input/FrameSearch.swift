/// Binary search on a sorted frame column.
enum FrameSearch {
    /// The first index of sorted `frames` whose frame is >= `value`.
    static func lowerBound<F: BinaryInteger>(_ frames: [F], _ value: Int) -> Int {
        var lo = 0, hi = frames.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if Int(frames[mid]) < value { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }

    /// Indices of sorted `frames` with frames in `lo...hi`.
    static func rows<F: BinaryInteger>(_ frames: [F], frames lo: Int, through hi: Int) -> Range<Int> {
        lowerBound(frames, lo)..<lowerBound(frames, hi + 1)
    }
}
