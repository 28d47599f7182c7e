import Foundation

/// The processes below a child process (the ranks mpirun starts), read from Linux's /proc.
public enum ProcessTree {
    /// The MPI rank of process `pid` (Open MPI's `OMPI_COMM_WORLD_RANK` in its environment).
    public static func mpiRank(of pid: pid_t) -> Int? {
        guard let data = FileManager.default.contents(atPath: "/proc/\(pid)/environ") else { return nil }
        let prefix = "OMPI_COMM_WORLD_RANK="
        for entry in data.split(separator: 0) {
            let text = String(decoding: entry, as: UTF8.self)
            if text.hasPrefix(prefix) { return Int(text.dropFirst(prefix.count)) }
        }
        return nil
    }

    /// Process ids of the processes named `name` among the descendants of `pid`, in id order.
    public static func children(named name: String, of pid: pid_t) -> [pid_t] {
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: "/proc") else { return [] }
        var parent: [pid_t: pid_t] = [:], command: [pid_t: String] = [:]
        for e in entries {
            guard let p = pid_t(e), let stat = try? String(contentsOfFile: "/proc/\(e)/stat", encoding: .utf8),
                  let open = stat.firstIndex(of: "("), let close = stat.lastIndex(of: ")") else { continue }
            command[p] = String(stat[stat.index(after: open)..<close])
            let rest = stat[stat.index(close, offsetBy: 2)...].split(separator: " ")
            if rest.count > 1, let pp = pid_t(rest[1]) { parent[p] = pp }
        }
        func descends(_ p: pid_t) -> Bool {
            var q = p
            for _ in 0..<16 { guard let pp = parent[q] else { return false }; if pp == pid { return true }; q = pp }
            return false
        }
        return command.keys.filter { command[$0] == name && descends($0) }.sorted()
    }
}
