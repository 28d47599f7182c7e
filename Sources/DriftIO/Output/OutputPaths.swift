import Foundation

/// Checks made before any work: outputs go to existing, writable directories, never over an input,
/// and over an existing file only when asked to (`--force`).
public enum OutputPaths {
    /// The message for an output that exists.
    public static let existsProblem = "the output exists; give --force to replace it"

    /// Throws, naming the path, when an output would overwrite an input or another output, exists
    /// (unless `replacing`), is a directory, or its directory is missing or not writable.
    public static func check(_ outputs: [String], inputs: [String], replacing: Bool) throws {
        let fm = FileManager.default
        func url(_ path: String) -> URL { URL(fileURLWithPath: path).standardizedFileURL.resolvingSymlinksInPath() }
        let inputURLs = inputs.map(url)
        var seen: Set<URL> = [], writableDirs: Set<String> = []
        for path in outputs {
            let outURL = url(path)
            guard seen.insert(outURL).inserted else { throw FileFormatError(path, "named for two outputs of one command") }
            guard !inputURLs.contains(outURL) else { throw FileFormatError(path, "the output would overwrite the input") }
            let dir = outURL.deletingLastPathComponent().path
            var isDir: ObjCBool = false
            guard fm.fileExists(atPath: dir, isDirectory: &isDir), isDir.boolValue else {
                throw FileFormatError(path, "the output directory \(dir) does not exist")
            }
            if !writableDirs.contains(dir) {
                guard fm.isWritableFile(atPath: dir), canCreateFile(in: dir) else {
                    throw FileFormatError(path, "the output directory \(dir) is not writable")
                }
                writableDirs.insert(dir)
            }
            if fm.fileExists(atPath: outURL.path, isDirectory: &isDir) {
                guard !isDir.boolValue else { throw FileFormatError(path, "the output is a directory") }
                guard replacing else { throw FileFormatError(path, existsProblem) }
            }
        }
    }

    /// Whether a file can be created in `dir`: tried with a hidden file, removed at once. Permission
    /// bits do not tell (root passes them; read-only mounts, /proc and root-squashed NFS refuse).
    static func canCreateFile(in dir: String) -> Bool {
        let probe = dir + "/.driftmpi-probe-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        let fd = open(probe, O_CREAT | O_EXCL | O_WRONLY, 0o600)
        guard fd >= 0 else { return false }
        close(fd)
        unlink(probe)
        return true
    }

    /// The files of input `path`: itself and, when it is a Picasso table (a `.yaml` beside it), the `.yaml`.
    public static func inputFiles(_ path: String) -> [String] {
        let yaml = PicassoMetadata.yamlPath(forLocalisations: path)
        return yaml != path && FileManager.default.fileExists(atPath: yaml) ? [path, yaml] : [path]
    }

    /// The files a corrected copy of `input` written to `output` consists of: `output` and, when the
    /// input is a Picasso table (whatever the names' extensions), the output's `.yaml`.
    public static func correctedFiles(_ output: String, input: String) -> [String] {
        inputFiles(input).count > 1 ? [output, PicassoMetadata.yamlPath(forLocalisations: output)] : [output]
    }
}
