/// What one rank did and used: the pairs it correlated, the bytes and messages it sent (as modelled by
/// `MPIAccount` in DriftParallel), its CPU time (user plus system, s), the part of it inside MPI calls
/// (s) and its peak resident memory (MiB). The one type for it: measured during a run
/// (`RankUsage.gather` in DriftParallel, every value set), written as the result's `rank_*`
/// attributes, read back by `ResultReport` and shown in reports and run summaries. nil where not
/// recorded (a result file's `rank_*` attributes may lack a list, or be short; `apply` has no pairs).
public struct RankUsage: Equatable, Sendable {
    /// The MPI rank (the row's place in rank order).
    public var rank: Int
    public var pairs: Int?
    public var bytesSent: Int64?
    public var cpuSeconds: Double?
    public var peakMiB: Double?
    /// CPU time inside MPI calls, s (part of `cpuSeconds`).
    public var mpiCpuSeconds: Double?
    public var messages: Int64?

    public init(rank: Int = 0, pairs: Int? = nil, bytesSent: Int64? = nil, cpuSeconds: Double? = nil, peakMiB: Double? = nil,
                mpiCpuSeconds: Double? = nil, messages: Int64? = nil) {
        self.rank = rank
        self.pairs = pairs
        self.bytesSent = bytesSent
        self.cpuSeconds = cpuSeconds
        self.peakMiB = peakMiB
        self.mpiCpuSeconds = mpiCpuSeconds
        self.messages = messages
    }

    /// The rows as the `ranks` array of a report or summary: one object per rank, with `rank`,
    /// `pairs`, `bytes_sent` and `mib_sent`, `messages`, `cpu_s` and `mpi_cpu_s` (ms precision) and
    /// `peak_mib` where known.
    static func json(_ ranks: [RankUsage]) -> JSONValue {
        .array(ranks.map { r in
            var o: [String: JSONValue] = ["rank": .number(r.rank)]
            if let p = r.pairs { o["pairs"] = .number(p) }
            if let b = r.bytesSent { o["bytes_sent"] = .int(b); o["mib_sent"] = .number(Double(b) / 1048576) }
            if let c = r.cpuSeconds { o["cpu_s"] = .number((c * 1000).rounded() / 1000) }
            if let m = r.peakMiB { o["peak_mib"] = .number(m) }
            if let c = r.mpiCpuSeconds { o["mpi_cpu_s"] = .number((c * 1000).rounded() / 1000) }
            if let m = r.messages { o["messages"] = .int(m) }
            return .object(o)
        })
    }
}
