/// The collectives by which processes share the fine pass by tiles of the field (`TiledAlignment`),
/// as closures, so that DriftCore stays free of MPI.
public struct TileExchange {
    /// This process and the number of processes.
    public let rank: Int
    public let processes: Int
    /// Must replace the values by their sum over processes (the tiles' counts, and the alignment's
    /// fixed-point sums at each Newton step).
    public let sum: (inout [Int64]) -> Void
    /// All to all: the values for each process back to back (`counts[p]` for process p, in rank
    /// order); must return what every process sent to this one, in rank order.
    public let route: ([Float], [Int]) -> [Float]
    public let routeIndices: ([UInt32], [Int]) -> [UInt32]

    public init(rank: Int, processes: Int, sum: @escaping (inout [Int64]) -> Void,
                route: @escaping ([Float], [Int]) -> [Float], routeIndices: @escaping ([UInt32], [Int]) -> [UInt32]) {
        self.rank = rank
        self.processes = processes
        self.sum = sum
        self.route = route
        self.routeIndices = routeIndices
    }
}
