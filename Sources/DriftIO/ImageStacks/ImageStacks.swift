import DriftCore
import Foundation

/// Image stacks driftmpi reads: PYME image files and TIFF stacks.
public enum ImageStacks {
    /// Whether `path` is an image stack: `.tif`/`.tiff`, or HDF5 with PYME's `/ImageData`.
    public static func isImageStack(_ path: String) -> Bool {
        let ext = (path as NSString).pathExtension.lowercased()
        if ext == "tif" || ext == "tiff" { return true }
        guard ["h5", "hdf5", "hdf"].contains(ext), FileManager.default.fileExists(atPath: path), HDF5File.isHDF5(path),
              let file = try? HDF5File.openReadOnly(path) else { return false }
        return file.exists("/ImageData")
    }

    /// Opens a stack (under `.parallel` all processes call this together for HDF5 files).
    public static func open(_ path: String, access: H5Access) throws -> ImageStack {
        guard FileManager.default.fileExists(atPath: path) else { throw FileFormatError(path, "no such file") }
        let ext = (path as NSString).pathExtension.lowercased()
        if ext == "tif" || ext == "tiff" { return try TIFFStack(path: path) }
        return try PYMEImageStack(path: path, access: access)
    }
}
