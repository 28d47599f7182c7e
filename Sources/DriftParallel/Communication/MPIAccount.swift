import Foundation

/// What one process spent in MPI calls, and what it sent under a stated model of the collectives, for
/// an efficiency model that does not count MPI's polling as work (`bench/scaling.sh`, docs/hpc.md).
///
/// **Time.** Wall and CPU time inside the communicator's MPI calls (the outermost call, where one
/// calls another), MPI's start (MPI_Init) included; not inside parallel HDF5's or FFTW's own MPI
/// calls. CPU time outside them is the process's compute.
///
/// **Bytes and messages**, per call, with P processes and lg = ceil(log2 P): a point-to-point send, its
/// bytes and 1 message; a broadcast or an all-reduce of n bytes, 2 n (P - 1) / P bytes and 2 lg
/// messages (scatter then all-gather, or reduce-scatter then all-gather); an all-gather of T bytes in
/// all, T (P - 1) / P bytes and lg messages; a gather to a root, the bytes a process sends and 1 message
/// (the root, none); an all-to-all, the bytes to the other processes and one message to each of them;
/// a barrier, lg messages. Collective file writes are not counted.
public struct MPIAccount: Equatable, Sendable {
    public var wallSeconds = 0.0
    public var cpuSeconds = 0.0
    public var bytes: Int64 = 0
    public var messages: Int64 = 0

    public init() {}

    /// ceil(log2 p), 0 for one process.
    static func lg(_ p: Int) -> Int64 { p <= 1 ? 0 : Int64(Int.bitWidth - (p - 1).leadingZeroBitCount) }

    /// A broadcast or all-reduce of `bytes` among `p` processes.
    mutating func addReduction(bytes n: Int, processes p: Int) {
        guard p > 1 else { return }
        bytes += Int64(2 * n * (p - 1) / p)
        messages += 2 * Self.lg(p)
    }

    /// An all-gather of `total` bytes in all among `p` processes.
    mutating func addAllGather(total: Int, processes p: Int) {
        guard p > 1 else { return }
        bytes += Int64(total * (p - 1) / p)
        messages += Self.lg(p)
    }

    /// Wall and CPU time now, s (the process's CPU clock).
    static func clocks() -> (wall: Double, cpu: Double) {
        var w = timespec(), c = timespec()
        clock_gettime(CLOCK_MONOTONIC, &w)
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &c)
        return (Double(w.tv_sec) + Double(w.tv_nsec) * 1e-9, Double(c.tv_sec) + Double(c.tv_nsec) * 1e-9)
    }
}
