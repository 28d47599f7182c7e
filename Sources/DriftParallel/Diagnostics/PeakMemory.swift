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
