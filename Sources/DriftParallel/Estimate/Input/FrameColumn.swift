import DriftCore
import DriftIO

/// This rank's block of the frame column, and whether the whole column is in frame order.
///
/// Segments are ranges of frames and each rank owns a contiguous range of segments. A table in
/// frame order (most are) lets each rank read just the rows of its segments, found by binary search.
/// A table out of order (PYME fits from several workers, merged or filtered tables) is read in equal
/// blocks of rows, and each rank sends every localisation to the ranks whose frames it falls in.
/// Either way a rank ends with its frames' localisations in (frame, row) order, so a table out of
/// order gives exactly what the same table stably sorted by frame gives.
struct FrameColumn {
    /// Rows `block` of the table, and their frames sorted (as read when the column is in order).
    var block: Range<Int>
    var sortedFrames: [Int64]
    /// Whether the whole column never decreases.
    var inOrder: Bool

    /// Reads this rank's equal block of the frame column (with one row of overlap, to see the order
    /// across the boundary) and agrees with the other ranks whether the whole column is in order.
    /// Collective; a failure to read on any rank is agreed on first.
    static func read(_ file: LocalisationTable, communicator comm: Communicator) throws -> FrameColumn {
        let n = file.rowCount
        let lo = comm.rank * n / comm.size, hi = (comm.rank + 1) * n / comm.size
        var frames = try comm.collectively {
            try FaultInjection.check(.read, rank: comm.rank)
            let frames = lo < hi ? try file.frames(rows: lo..<min(n, hi + 1)) : []
            // The engine's range, checked here so that the search over frame numbers cannot overflow.
            try file.checkFrameRange(frames, firstRow: lo)
            return frames
        }
        let ordered = zip(frames, frames.dropFirst()).allSatisfy { $0 <= $1 }
        let inOrder = comm.allreduce(ordered ? 1 : 0, .min) == 1
        frames = Array(frames.prefix(hi - lo))
        if !inOrder { frames = FrameSort.sorted(frames) }
        return FrameColumn(block: lo..<hi, sortedFrames: frames, inOrder: inOrder)
    }

    /// The frame at each of `positions` (0-based, ascending) of the whole frame column sorted, found
    /// by a binary search over frame numbers that all ranks make together, counting in their sorted
    /// blocks (one reduction per halving).
    func frames(atSortedPositions positions: [Int], communicator comm: Communicator) -> [Int64] {
        guard !positions.isEmpty else { return [] }
        let first = comm.allreduce(sortedFrames.first ?? Int64.max, .min)
        let last = comm.allreduce(sortedFrames.last ?? Int64.min, .max)
        // Smallest frame f with more than `position` rows at or before f.
        var lo = [Int64](repeating: first, count: positions.count), hi = [Int64](repeating: last, count: positions.count)
        while zip(lo, hi).contains(where: { $0 < $1 }) {
            let mid = zip(lo, hi).map { $0 + ($1 - $0) / 2 }
            var atOrBefore = mid.map { Int64(FrameSearch.lowerBound(sortedFrames, Int($0) + 1)) }
            comm.allreduceSum(&atOrBefore)
            for k in positions.indices where lo[k] < hi[k] {
                if atOrBefore[k] > Int64(positions[k]) { hi[k] = mid[k] } else { lo[k] = mid[k] + 1 }
            }
        }
        return lo
    }
}
