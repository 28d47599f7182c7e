import DriftCore
import Foundation

/// Writes image stacks as PYME image files (`.h5`), in the layout PYME's own HDF exporter and
/// acquisition back-end write (PyTables):
///
/// - `/ImageData`: float32 EArray of shape (N, X, Y): one row per image, x then y, so y is the
///   fastest-varying index; chunks of one image (1, X, Y), byte-shuffle and zlib level 1; extendable
///   first dimension. For z-stacks N = T * Z with z fastest (PYME's `XYZTC` order). Attributes
///   `DimOrder` = `XYZTC`, `SizeC` = 1, `SizeZ` = Z (1 for 2D), `SizeT` = T (int64), which PYME's
///   `HDFDataSource` reads, and PyTables' `CLASS`/`EXTDIM`/`TITLE`/`VERSION`.
/// - `/MetaData`: the same `DimOrder`, `SizeC`, `SizeZ`, `SizeT` entries (PYME's acquisition back-end
///   records them in the metadata too), and the group `voxelsize` with `x`, `y`, `z` (um, float64)
///   and `units` = `um`.
///
/// No `/Events` table is written (PYME reads files without one as having no events).
public enum PYMEImageWriter {
    /// Writes `stack` to `path`, whole or not at all.
    public static func write(_ stack: SimulatedStack, to path: String) throws {
        try write(to: path, width: stack.width, height: stack.height, depth: stack.depth,
                  timePoints: stack.timePoints, voxelSizeNm: stack.voxelSizeNm) { append in
            for frame in stack.frames { try append(frame) }
        }
    }

    /// Writes a stack of `timePoints` time points, each `depth` x `height` x `width` values (x fastest,
    /// then y, then z), that `produce` hands over one time point at a time through the function it is
    /// given (so that a large stack need not be held in memory). Whole or not at all: fails unless
    /// exactly `timePoints` time points are appended.
    ///
    /// With `uint16` the samples are stored as uint16 (rounded, clipped to 0 ... 65535) without
    /// compression, as a camera's acquisition writes them; else float32, shuffled and compressed.
    public static func write(to path: String, width: Int, height: Int, depth: Int, timePoints: Int,
                             voxelSizeNm: SIMD3<Double>, uint16: Bool = false,
                             frames produce: (_ append: ([Float]) throws -> Void) throws -> Void) throws {
        precondition(width > 0 && height > 0 && depth > 0 && timePoints >= 0)
        let plane = width * height
        try AtomicOutput.write(to: path) { tmp in
            let file = try HDF5File.create(tmp)
            let images = try structure(file, scalar: uint16 ? .uint16 : .float32, width: width, height: height, depth: depth,
                                       timePoints: timePoints, voxelSizeNm: voxelSizeNm, compressed: !uint16)
            var written = 0
            var transposed = [Float](repeating: 0, count: plane)
            try produce { frame in
                guard frame.count == depth * plane else {
                    throw FileFormatError(path, "a time point has \(frame.count) values, not \(depth) x \(height) x \(width)")
                }
                guard written < timePoints else { throw FileFormatError(path, "more than \(timePoints) time points") }
                for k in 0..<depth {
                    // Ours: x fastest; PYME's (x, y) planes: y fastest.
                    frame.withUnsafeBufferPointer { src in
                        transposed.withUnsafeMutableBufferPointer { dst in
                            let base = k * plane
                            for y in 0..<height {
                                let row = base + y * width
                                for x in 0..<width { dst[x * height + y] = src[row + x] }
                            }
                        }
                    }
                    if uint16 {
                        try images.write(transposed.map { UInt16(min(65535, max(0, $0.rounded()))) }, rowOffset: written * depth + k)
                    } else {
                        try images.write(transposed, rowOffset: written * depth + k)
                    }
                }
                written += 1
            }
            guard written == timePoints else {
                throw FileFormatError(path, "\(written) time points written, \(timePoints) expected")
            }
        }
    }

    /// Lays out a PYME image file in `file`: PyTables' root attributes, `/ImageData` of `scalar`
    /// (timePoints * depth planes of width x height, chunks of one plane, extendable, with shuffle and
    /// zlib level 1 when `compressed`), its `DimOrder`/`SizeC`/`SizeZ`/`SizeT`, and `/MetaData` with the
    /// same sizes and `voxelsize` (um; left out when nil). Returns `/ImageData`, not yet written.
    @discardableResult
    static func structure(_ file: HDF5File, scalar: H5Scalar, width: Int, height: Int, depth: Int, timePoints: Int,
                          voxelSizeNm: SIMD3<Double>?, compressed: Bool) throws -> HDF5Dataset {
        try file.setAttribute("CLASS", "GROUP")
        try file.setAttribute("PYTABLES_FORMAT_VERSION", "2.1")
        try file.setAttribute("TITLE", "")
        try file.setAttribute("VERSION", "1.0")

        let images = try file.createChunkedDataset("/ImageData", scalar: scalar, shape: [timePoints * depth, width, height],
                                                   chunk: [1, width, height], extendableRows: true,
                                                   shuffle: compressed, deflateLevel: compressed ? 1 : nil)
        try file.setAttribute("CLASS", "EARRAY", on: "/ImageData")
        try file.setAttribute("EXTDIM", scalar: Int32(0), on: "/ImageData")
        try file.setAttribute("TITLE", "", on: "/ImageData")
        try file.setAttribute("VERSION", "1.1", on: "/ImageData")

        try file.createGroup("/MetaData")
        try pyTablesGroup(file, "/MetaData")
        for object in ["/ImageData", "/MetaData"] {
            try file.setAttribute("DimOrder", "XYZTC", on: object)
            try file.setAttribute("SizeC", Int64(1), on: object)
            try file.setAttribute("SizeZ", Int64(depth), on: object)
            try file.setAttribute("SizeT", Int64(timePoints), on: object)
        }
        if let v = voxelSizeNm {
            try file.createGroup("/MetaData/voxelsize")
            try pyTablesGroup(file, "/MetaData/voxelsize")
            try file.setAttribute("units", "um", on: "/MetaData/voxelsize")
            try file.setAttribute("x", v.x / 1000, on: "/MetaData/voxelsize")
            try file.setAttribute("y", v.y / 1000, on: "/MetaData/voxelsize")
            try file.setAttribute("z", v.z / 1000, on: "/MetaData/voxelsize")
        }
        return images
    }

    /// PyTables' attributes of a group.
    private static func pyTablesGroup(_ file: HDF5File, _ group: String) throws {
        try file.setAttribute("CLASS", "GROUP", on: group)
        try file.setAttribute("TITLE", "", on: group)
        try file.setAttribute("VERSION", "1.0", on: group)
    }
}
