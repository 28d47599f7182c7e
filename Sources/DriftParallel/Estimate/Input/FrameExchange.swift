import DriftCore
import DriftIO

/// The localisations of frames `wanted[r]` for this rank r (nil: none) in (frame, row) order,
/// from a table whose frame column is out of order: each rank has read its block of rows, orders
/// it by (frame, row) and sends each rank the slice of frames it wants (slices overlap where
/// segments do). What arrives comes in rank order, each part in (frame, row) order, so ordering
/// it by (frame, arrival) gives (frame, row) order. `wanted` is the same on every rank.
enum FrameExchange {
    static func exchange(_ block: Localisations, wanted: [ClosedRange<Int>?], communicator comm: Communicator) -> Localisations {
        let mine = FrameSort.stableOrder(block.frame)
        let sortedFrames = mine.map { block.frame[$0] }
        var send: [Int] = [], counts = [Int](repeating: 0, count: comm.size)
        for (rank, frames) in wanted.enumerated() {
            guard let frames else { continue }
            let slice = FrameSearch.rows(sortedFrames, frames: frames.lowerBound, through: frames.upperBound)
            send += mine[slice]
            counts[rank] = slice.count
        }
        let frame = comm.alltoallv(send.map { block.frame[$0] }, counts: counts)
        let x = comm.alltoallv(send.map { block.x[$0] }, counts: counts)
        let y = comm.alltoallv(send.map { block.y[$0] }, counts: counts)
        let z = block.z.map { z in comm.alltoallv(send.map { z[$0] }, counts: counts) }
        let order = FrameSort.stableOrder(frame)
        return Localisations(frame: order.map { frame[$0] }, x: order.map { x[$0] }, y: order.map { y[$0] },
                             z: z.map { z in order.map { z[$0] } })
    }
}
