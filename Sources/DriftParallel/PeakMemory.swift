import Foundation

/// This process's peak resident memory.
public enum PeakMemory {
    /// VmHWM from /proc/self/status, MiB (0 where it cannot be read).
    public static func residentMiB() -> Int {
        guard let text = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return 0 }
        for line in text.split(separator: "\n") where line.hasPrefix("VmHWM:") {
            let kb = line.split(separator: " ").compactMap { Int($0) }.first ?? 0
            return kb / 1024
        }
        return 0
    }
}

/// What one rank did and used: its pairs, the bytes it sent, its CPU time and peak memory.
public struct RankUsage: Equatable, Sendable {
    public var pairs: Int
    public var bytesSent: Int64
    /// User plus system CPU time of the process so far, s.
    public var cpuSeconds: Double
    public var peakMiB: Double

    /// CPU time of this process so far (getrusage), s.
    public static func cpuSeconds() -> Double {
        var u = rusage()
        getrusage(RUSAGE_SELF.rawValue, &u)
        func s(_ t: timeval) -> Double { Double(t.tv_sec) + Double(t.tv_usec) * 1e-6 }
        return s(u.ru_utime) + s(u.ru_stime)
    }

    /// Every rank's usage, in rank order, on every rank.
    static func gather(pairs: Int, communicator comm: Communicator) -> [RankUsage] {
        let mine = [Double(pairs), Double(comm.bytesSent), cpuSeconds(), Double(PeakMemory.residentMiB())]
        let all = comm.allgatherv(mine)
        return stride(from: 0, to: all.count, by: 4).map {
            RankUsage(pairs: Int(all[$0]), bytesSent: Int64(all[$0 + 1]), cpuSeconds: all[$0 + 2], peakMiB: all[$0 + 3])
        }
    }
}
