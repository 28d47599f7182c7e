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

    /// Every rank's usage, in rank order, on every rank: `pairs` as given, the bytes this
    /// communicator sent, CPU time and peak resident memory so far.
    public static func gather(pairs: Int, communicator comm: Communicator) -> [RankUsage] {
        let mine = [Double(pairs), Double(comm.bytesSent), cpuSeconds(), Double(PeakMemory.residentMiB())]
        let all = comm.allgatherv(mine)
        return stride(from: 0, to: all.count, by: 4).map {
            RankUsage(rank: $0 / 4, pairs: Int(all[$0]), bytesSent: Int64(all[$0 + 1]),
                      cpuSeconds: all[$0 + 2], peakMiB: all[$0 + 3])
        }
    }
}

extension [RankUsage] {
    /// `rank_pairs`, `rank_bytes_sent`, `rank_cpu_s`, `rank_peak_resident_mib`: comma-separated in rank order.
    var attributes: [(String, AttributeValue)] {
        [("rank_pairs", .string(map { String($0.pairs ?? 0) }.joined(separator: ","))),
         ("rank_bytes_sent", .string(map { String($0.bytesSent ?? 0) }.joined(separator: ","))),
         ("rank_cpu_s", .string(map { String(format: "%.3f", $0.cpuSeconds ?? 0) }.joined(separator: ","))),
         ("rank_peak_resident_mib", .string(map { String(format: "%.0f", $0.peakMiB ?? 0) }.joined(separator: ",")))]
    }
}
