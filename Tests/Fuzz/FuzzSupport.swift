// Shared by every fuzz driver in Tests/Fuzz/ (compiled into each fuzzer by scripts/fuzz.sh; not part of
// the SwiftPM build). The readers take file paths, so each driver writes the input to one temporary
// file per process (reused) and calls the reader on it. Thrown errors are the expected outcome for
// bad input; crashes, hangs and sanitizer reports are bugs.
import Foundation

/// A file in the process's own temporary directory (in /dev/shm when there is one), rewritten for
/// every input. `name` keeps the extension the reader looks at.
final class FuzzFile {
    let path: String
    private static let directory: String = {
        let base = FileManager.default.isWritableFile(atPath: "/dev/shm") ? "/dev/shm" : NSTemporaryDirectory()
        let dir = (base as NSString).appendingPathComponent("driftmpi-fuzz-\(getpid())")
        try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        // FUZZ_KEEP=1 keeps the last input file (e.g. the HDF5 file h5attr built) for inspection.
        if ProcessInfo.processInfo.environment["FUZZ_KEEP"] == "1" {
            print("FuzzFile: inputs in \(dir)")
            return dir
        }
        atexit {
            let dir = (FileManager.default.isWritableFile(atPath: "/dev/shm") ? "/dev/shm" : NSTemporaryDirectory())
            try? FileManager.default.removeItem(atPath: (dir as NSString).appendingPathComponent("driftmpi-fuzz-\(getpid())"))
        }
        return dir
    }()

    init(_ name: String) {
        path = (Self.directory as NSString).appendingPathComponent(name)
    }

    /// Replaces the file's contents with `n` bytes at `data` (write + truncate: no mmap'd old pages).
    func write(_ data: UnsafePointer<UInt8>, _ n: Int) {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        precondition(fd >= 0, "cannot create \(path)")
        var done = 0
        while done < n {
            let w = Foundation.write(fd, data + done, n - done)
            precondition(w > 0, "cannot write \(path)")
            done += w
        }
        close(fd)
    }

    func write(_ bytes: [UInt8]) { bytes.withUnsafeBufferPointer { write($0.baseAddress ?? UnsafePointer(bitPattern: 1)!, $0.count) } }
}

/// Consumes fuzzer bytes as small structured choices (for drivers that build their input).
struct FuzzBytes {
    private let bytes: [UInt8]
    private var at = 0
    init(_ data: UnsafePointer<UInt8>, _ n: Int) { bytes = Array(UnsafeBufferPointer(start: data, count: n)) }
    var isEmpty: Bool { at >= bytes.count }
    mutating func byte() -> UInt8 {
        guard at < bytes.count else { return 0 }
        defer { at += 1 }
        return bytes[at]
    }
    /// A value in 0..<n (n >= 1).
    mutating func pick(_ n: Int) -> Int { Int(byte()) % n }
    mutating func bool() -> Bool { byte() & 1 == 1 }
    mutating func take(_ n: Int) -> [UInt8] {
        let k = max(0, min(n, bytes.count - at))
        defer { at += k }
        return Array(bytes[at..<(at + k)])
    }
    mutating func u64() -> UInt64 { take(8).enumerated().reduce(0) { $0 | UInt64($1.element) << (8 * UInt64($1.offset)) } }
}

/// With FUZZ_VERBOSE=1 in the environment (replaying an input by hand), what each reader returned
/// or threw is printed; fuzzing itself stays silent.
let fuzzVerbose = ProcessInfo.processInfo.environment["FUZZ_VERBOSE"] == "1"

/// Runs one reader call: its error is the expected answer to a bad input, never a failure.
@discardableResult
func attempt<T>(_ label: String, _ body: () throws -> T) -> T? {
    do {
        let value = try body()
        if fuzzVerbose { print("\(label): ok: \(String(describing: value).prefix(300))") }
        return value
    } catch {
        if fuzzVerbose { print("\(label): error: \(error)") }
        return nil
    }
}
