/// A file that cannot be read or written as its format requires (HDF5, TIFF, NumPy, CSV, YAML, PNG
/// through librsvg, ...), with the file it concerns. Every reader and writer of DriftIO throws it;
/// `description` is "path: problem", the line driftmpi prints.
public struct FileFormatError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The file, as the caller named it (or a stand-in such as an environment variable's name).
    public var path: String
    /// What is wrong, as one phrase without the path.
    public var problem: String
    public var description: String { "\(path): \(problem)" }

    public init(path: String, problem: String) {
        self.path = path
        self.problem = problem
    }

    public init(_ path: String, _ problem: String) {
        self.init(path: path, problem: problem)
    }
}

