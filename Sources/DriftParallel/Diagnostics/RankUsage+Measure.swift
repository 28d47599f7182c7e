import DriftIO
import Foundation

extension RankUsage {
    /// CPU time of this process so far (getrusage: user plus system), s.
    public static func cpuSeconds() -> Double {
        var u = rusage()
        getrusage(RUSAGE_SELF.rawValue, &u)
        func s(_ t: timeval) -> Double { Double(t.tv_sec) + Double(t.tv_usec) * 1e-6 }
        return s(u.ru_utime) + s(u.ru_stime)
    }

    /// Every rank's usage, in rank order, on every rank: `pairs` as given, the bytes and messages
    /// this communicator sent and its CPU time in MPI calls (`MPIAccount`), CPU time and peak
    /// resident memory so far.
    public static func gather(pairs: Int, communicator comm: Communicator) -> [RankUsage] {
        let a = comm.account
        let mine = [Double(pairs), Double(a.bytes), cpuSeconds(), Double(PeakMemory.residentMiB()), a.cpuSeconds, Double(a.messages)]
        let all = comm.allgatherv(mine)
        return stride(from: 0, to: all.count, by: 6).map {
            RankUsage(rank: $0 / 6, pairs: Int(all[$0]), bytesSent: Int64(all[$0 + 1]),
                      cpuSeconds: all[$0 + 2], peakMiB: all[$0 + 3], mpiCpuSeconds: all[$0 + 4], messages: Int64(all[$0 + 5]))
        }
    }
}

extension [RankUsage] {
    /// `rank_pairs`, `rank_bytes_sent`, `rank_messages`, `rank_cpu_s`, `rank_mpi_cpu_s`,
    /// `rank_peak_resident_mib`: comma-separated in rank order.
    var attributes: [(String, AttributeValue)] {
        [("rank_pairs", .string(map { String($0.pairs ?? 0) }.joined(separator: ","))),
         ("rank_bytes_sent", .string(map { String($0.bytesSent ?? 0) }.joined(separator: ","))),
         ("rank_cpu_s", .string(map { String(format: "%.3f", $0.cpuSeconds ?? 0) }.joined(separator: ","))),
         ("rank_peak_resident_mib", .string(map { String(format: "%.0f", $0.peakMiB ?? 0) }.joined(separator: ","))),
         ("rank_messages", .string(map { String($0.messages ?? 0) }.joined(separator: ","))),
         ("rank_mpi_cpu_s", .string(map { String(format: "%.3f", $0.mpiCpuSeconds ?? 0) }.joined(separator: ",")))]
    }
}
