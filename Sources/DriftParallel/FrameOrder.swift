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
}

extension EstimatePipeline {
    /// Reads this rank's equal block of the frame column (with one row of overlap, to see the order
    /// across the boundary) and agrees with the other ranks whether the whole column is in order.
    /// Collective; a failure to read on any rank is agreed on first.
    func readFrameColumn(_ file: LocalisationTable) throws -> FrameColumn {
        let comm = communicator
        let n = file.rowCount
        let lo = comm.rank * n / comm.size, hi = (comm.rank + 1) * n / comm.size
        var frames = try comm.collectively {
            try FaultInjection.check("read", rank: comm.rank)
            return lo < hi ? try file.frames(rows: lo..<min(n, hi + 1)) : []
        }
        let ordered = zip(frames, frames.dropFirst()).allSatisfy { $0 <= $1 }
        let inOrder = comm.allreduce(ordered ? 1 : 0, .min) == 1
        frames = Array(frames.prefix(hi - lo))
        if !inOrder { frames.sort() }
        return FrameColumn(block: lo..<hi, sortedFrames: frames, inOrder: inOrder)
    }

    /// The frame at each of `positions` (0-based, ascending) of the whole frame column sorted, found
    /// by a binary search over frame numbers that all ranks make together, counting in their sorted
    /// blocks (one reduction per halving).
    func frames(atSortedPositions positions: [Int], column: FrameColumn) -> [Int64] {
        let comm = communicator
        guard !positions.isEmpty else { return [] }
        let first = comm.allreduce(column.sortedFrames.first ?? Int64.max, .min)
        let last = comm.allreduce(column.sortedFrames.last ?? Int64.min, .max)
        // Smallest frame f with more than `position` rows at or before f.
        var lo = [Int64](repeating: first, count: positions.count), hi = [Int64](repeating: last, count: positions.count)
        while zip(lo, hi).contains(where: { $0 < $1 }) {
            let mid = zip(lo, hi).map { $0 + ($1 - $0) / 2 }
            var atOrBefore = mid.map { Int64(lowerBound(column.sortedFrames, Int($0) + 1)) }
            comm.allreduceSum(&atOrBefore)
            for k in positions.indices where lo[k] < hi[k] {
                if atOrBefore[k] > Int64(positions[k]) { hi[k] = mid[k] } else { lo[k] = mid[k] + 1 }
            }
        }
        return lo
    }

    /// The localisations of frames `wanted[r]` for this rank r (nil: none) in (frame, row) order,
    /// from a table whose frame column is out of order: each rank has read its block of rows and
    /// sends each localisation to every rank whose frames include it (several, where segments
    /// overlap). `wanted` is the same on every rank.
    func exchangeByFrame(_ block: Localisations, wanted: [ClosedRange<Int>?]) -> Localisations {
        let comm = communicator
        var counts = [Int](repeating: 0, count: comm.size)
        var order: [Int] = []
        for (rank, frames) in wanted.enumerated() {
            guard let frames else { continue }
            let before = order.count
            for k in 0..<block.count where frames.contains(Int(block.frame[k])) { order.append(k) }
            counts[rank] = order.count - before
        }
        // Sent in rank order and, from each rank, in row order: what arrives is in row order.
        let frame = comm.alltoallv(order.map { block.frame[$0] }, counts: counts)
        let x = comm.alltoallv(order.map { block.x[$0] }, counts: counts)
        let y = comm.alltoallv(order.map { block.y[$0] }, counts: counts)
        let z = block.z.map { z in comm.alltoallv(order.map { z[$0] }, counts: counts) }
        let sorted = frame.indices.sorted { (frame[$0], $0) < (frame[$1], $1) }
        return Localisations(frame: sorted.map { frame[$0] }, x: sorted.map { x[$0] }, y: sorted.map { y[$0] },
                             z: z.map { z in sorted.map { z[$0] } })
    }
}
