import Foundation

/// Checks made before any work: outputs go to existing, writable directories and never over an input.
public enum OutputPaths {
    /// Throws, naming the path, when an output would overwrite an input or its directory is missing
    /// or not writable.
    public static func check(_ outputs: [String], inputs: [String]) throws {
        let fm = FileManager.default
        func url(_ path: String) -> URL { URL(fileURLWithPath: path).standardizedFileURL.resolvingSymlinksInPath() }
        let inputURLs = inputs.map(url)
        for path in outputs {
            let outURL = url(path)
            guard !inputURLs.contains(outURL) else { throw HDF5Error(path, "the output would overwrite the input") }
            let dir = outURL.deletingLastPathComponent().path
            var isDir: ObjCBool = false
            guard fm.fileExists(atPath: dir, isDirectory: &isDir), isDir.boolValue else {
                throw HDF5Error(path, "the output directory \(dir) does not exist")
            }
            guard fm.isWritableFile(atPath: dir) else { throw HDF5Error(path, "the output directory \(dir) is not writable") }
        }
    }

    /// The files an output in the format of `path` consists of (a Picasso `.hdf5` has its `.yaml`).
    public static func companions(of path: String) -> [String] {
        (path as NSString).pathExtension.lowercased() == "hdf5" ? [path, PicassoMetadata.yamlPath(forLocalisations: path)] : [path]
    }
}
