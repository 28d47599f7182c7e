import CDriftShim
import Foundation

/// Outputs appear whole or not at all: they are written under a temporary name in the target's
/// directory and renamed over the target once complete and closed.
public enum AtomicOutput {
    /// The temporary name used for `path` with a token (the same on every process of a parallel write).
    public static func temporaryPath(for path: String, token: String) -> String {
        let url = URL(fileURLWithPath: path)
        return url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).\(token).part").path
    }

    /// Moves the finished temporary file over `path`.
    public static func commit(temporary: String, to path: String) throws {
        defer { driftshim_unregister_temporary(temporary) }
        guard rename(temporary, path) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporary)
            throw FileFormatError(path, "cannot move the finished output into place (\(reason))")
        }
    }

    /// Removes a temporary file left by a failed write.
    public static func discard(temporary: String) {
        unlink(temporary)
        driftshim_unregister_temporary(temporary)
    }

    /// Temporary files registered here are removed if the process is stopped by SIGTERM or SIGINT
    /// (Slurm's time limit, scancel, Ctrl-C), which then exits with 128 + the signal.
    public static func removeTemporariesOnTermination() { driftshim_install_termination_handler() }

    /// Stops tracking `temporary` (another process finishes it).
    public static func untrack(temporary: String) { driftshim_unregister_temporary(temporary) }

    /// Marks `temporary` as being written (removed on termination) until it is committed or discarded.
    public static func track(temporary: String) { driftshim_register_temporary(temporary) }

    /// Runs `body` on a temporary path, then renames it to `path`; on failure removes the temporary file.
    public static func write(to path: String, _ body: (String) throws -> Void) throws {
        let tmp = temporaryPath(for: path, token: String(UInt32.random(in: 0...UInt32.max), radix: 16))
        track(temporary: tmp)
        do {
            try body(tmp)
        } catch {
            discard(temporary: tmp)
            throw error
        }
        try commit(temporary: tmp, to: path)
    }

    /// Writes text whole or not at all.
    public static func write(text: String, to path: String) throws {
        try write(to: path) { tmp in
            do { try text.write(toFile: tmp, atomically: false, encoding: .utf8) } catch {
                throw FileFormatError(path, "cannot write the file")
            }
        }
    }
}
