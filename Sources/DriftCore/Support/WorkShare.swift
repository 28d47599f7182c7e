/// Independent items of work shared out by processes: each computes a contiguous block of them and
/// all processes receive every item's values, in item order. The values are computed by the same
/// code whatever the sharing, so the outcome is the same, bit for bit, at any number of processes.
/// The gather is the caller's closure, so DriftCore stays free of MPI.
public struct WorkShare {
    /// This process and the number of processes.
    public let rank: Int
    public let processes: Int
    /// Must return every process's values concatenated in rank order (an all-gather).
    public let gather: ([Double]) -> [Double]

    public init(rank: Int, processes: Int, gather: @escaping ([Double]) -> [Double]) {
        self.rank = rank
        self.processes = processes
        self.gather = gather
    }

    /// One process doing everything.
    public static let serial = WorkShare(rank: 0, processes: 1, gather: { $0 })

    /// The items process `rank` computes: a contiguous block of `0 ..< count`.
    public func block(_ count: Int) -> Range<Int> {
        (rank * count / processes)..<((rank + 1) * count / processes)
    }

    /// `body(i)` for every item `i` in `0 ..< count`, each giving `width` values; returns them all,
    /// item after item. Collective when `processes > 1`.
    public func map(count: Int, width: Int, _ body: (Int) -> [Double]) -> [[Double]] {
        var mine: [Double] = []
        mine.reserveCapacity(block(count).count * width)
        for i in block(count) {
            let v = body(i)
            precondition(v.count == width, "each item gives \(width) values")
            mine += v
        }
        let all = processes > 1 ? gather(mine) : mine
        precondition(all.count == count * width, "every process must share the same items")
        return (0..<count).map { Array(all[($0 * width)..<(($0 + 1) * width)]) }
    }
}
