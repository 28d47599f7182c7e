import CDriftShim
import Foundation

/// This process's peak resident memory, and how its allocator hands memory back.
public enum PeakMemory {
    /// Keeps freed memory for reuse (`driftshim_keep_freed_memory`): the arrays a refinement pass
    /// frees are allocated again by the next, and pages handed back cost a fault and a clearing each
    /// when they come back (see the shim for what it measured). Call once, at process start.
    public static func keepFreedMemory() { driftshim_keep_freed_memory() }

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
