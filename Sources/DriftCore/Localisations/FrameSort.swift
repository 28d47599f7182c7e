/// Orders of localisations by frame, stable (equal frames keep their order), for tables read out of
/// frame order. Frames of one acquisition span a small range, so a counting sort (linear in rows
/// plus frames) does it; a range much wider than the rows falls back to sorting 64-bit keys.
public enum FrameSort {
    /// The indices of `frames` in (frame, index) order.
    public static func stableOrder(_ frames: [UInt32]) -> [Int] {
        guard let lo = frames.min(), let hi = frames.max() else { return [] }
        let range = Int(hi - lo) + 1
        guard range <= max(4 * frames.count, 1 << 20) else {
            precondition(frames.count <= Int(UInt32.max))
            var keys = frames.enumerated().map { UInt64($0.element) << 32 | UInt64($0.offset) }
            keys.sort()
            return keys.map { Int($0 & 0xffff_ffff) }
        }
        // Counting sort: rows per frame, then each frame's first slot, then the rows in index order.
        var start = [Int](repeating: 0, count: range + 1)
        for f in frames { start[Int(f - lo) + 1] += 1 }
        for k in 0..<range { start[k + 1] += start[k] }
        var order = [Int](repeating: 0, count: frames.count)
        for (i, f) in frames.enumerated() {
            let k = Int(f - lo)
            order[start[k]] = i
            start[k] += 1
        }
        return order
    }

    /// `frames` sorted ascending (any Int64 values).
    public static func sorted(_ frames: [Int64]) -> [Int64] {
        guard let lo = frames.min(), let hi = frames.max() else { return [] }
        let (span, overflow) = hi.subtractingReportingOverflow(lo)
        guard !overflow, span < Int64(max(4 * frames.count, 1 << 20)) else { return frames.sorted() }
        var count = [Int](repeating: 0, count: Int(span) + 1)
        for f in frames { count[Int(f - lo)] += 1 }
        var out: [Int64] = []
        out.reserveCapacity(frames.count)
        for (k, c) in count.enumerated() where c > 0 { out.append(contentsOf: repeatElement(lo + Int64(k), count: c)) }
        return out
    }
}
