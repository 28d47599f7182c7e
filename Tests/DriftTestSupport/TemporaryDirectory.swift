import Foundation

/// A fresh directory under the system's temporary folder (`driftmpi-NAME-UUID`), removed by `remove()`.
public struct TemporaryDirectory: Sendable {
    /// The directory's absolute path.
    public let path: String

    /// Makes `NSTemporaryDirectory()/driftmpi-NAME-UUID`.
    public init(_ name: String = "test") {
        path = NSTemporaryDirectory() + "driftmpi-\(name)-" + UUID().uuidString
        try! FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    /// The path of `name` in this directory.
    public func file(_ name: String) -> String { path + "/" + name }

    /// Removes the directory and everything in it.
    public func remove() { try? FileManager.default.removeItem(atPath: path) }

    /// Whether `name` exists in this directory.
    public func exists(_ name: String) -> Bool { FileManager.default.fileExists(atPath: file(name)) }

    /// The names of the files and folders in this directory (hidden ones too), sorted.
    public func names() throws -> [String] { try FileManager.default.contentsOfDirectory(atPath: path).sorted() }

    /// The bytes of file `name`.
    public func contents(of name: String) throws -> Data { try Data(contentsOf: URL(fileURLWithPath: file(name))) }

    /// The text of file `name` (UTF-8).
    public func text(of name: String) throws -> String { try String(contentsOfFile: file(name), encoding: .utf8) }
}
