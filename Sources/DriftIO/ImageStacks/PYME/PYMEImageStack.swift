import CDriftShim
import CHDF5
import Foundation

/// A PYME image file (`.h5`, written by PyTables): dataset `/ImageData` of shape (N, X, Y) — time
/// (or z) slowest, then x, with y fastest — and the voxel size in `/MetaData/voxelsize` (`x`, `y`, `z`
/// attributes, um). A z-stack per time point is stored as N = T x Z planes, z fastest, with the
/// counts in attributes `SizeZ` and `SizeT` of `/ImageData` (or `/MetaData`); without them every
/// plane is a time point.
public final class PYMEImageStack: ImageStack {
    public let path: String
    public var formatName: String { "pyme-image" }
    let file: HDF5File
    let data: HDF5Dataset
    public let timePoints: Int
    public let depth: Int
    public let height: Int
    public let width: Int
    public let voxelSizeNm: SIMD3<Double>?
    public let sampleType: ImageSampleType

    /// Opens the file; under `.parallel` every process of the communicator calls this together.
    public init(path: String, access: H5Access = .serial) throws {
        self.path = path
        let opened = try HDF5File.openReadOnly(path, access: access)
        file = opened
        guard file.exists("/ImageData") else { throw FileFormatError(path, "no dataset 'ImageData' (not a PYME image file)") }
        data = try file.dataset("/ImageData")
        let shape = data.shape
        guard shape.count == 3 || (shape.count == 2) else {
            throw FileFormatError(path, "'ImageData' has \(shape.count) dimensions; a PYME image stack has 3 (t or z, x, y)")
        }
        guard let type = data.sampleType else { throw FileFormatError(path, "'ImageData' is not of a numeric type driftmpi reads") }
        sampleType = type
        let planes = shape.count == 3 ? shape[0] : 1
        width = shape[shape.count - 2]
        height = shape[shape.count - 1]
        // PYME's HDFDataSource reads SizeZ / SizeT from /ImageData; its acquisition back-end also
        // records them in /MetaData.
        func size(_ name: String) throws -> Int64? {
            if let v = try opened.int64Attribute(name, on: "/ImageData") { return v }
            return opened.exists("/MetaData") ? try opened.int64Attribute(name, on: "/MetaData") : nil
        }
        let sizeZ = Int(try size("SizeZ") ?? 1)
        let sizeT = try size("SizeT")
        // Checked product: SizeT = 2^62 with SizeZ = 2 trapped here (Tests/Fuzz/regressions/h5attr).
        let sizesMatch = sizeT.map { t in
            let (product, overflow) = Int(t).multipliedReportingOverflow(by: sizeZ)
            return !overflow && product == planes
        } ?? true
        guard sizeZ >= 1, planes % sizeZ == 0, sizesMatch else {
            throw FileFormatError(path, "MetaData SizeZ \(sizeZ) and SizeT \(sizeT.map(String.init) ?? "-") do not divide the \(planes) planes of 'ImageData'")
        }
        guard planes >= 1, width >= 1, height >= 1 else { throw FileFormatError(path, "'ImageData' is empty") }
        depth = sizeZ
        timePoints = planes / sizeZ
        if file.exists("/MetaData/voxelsize"), let x = try file.doubleAttribute("x", on: "/MetaData/voxelsize"),
           let y = try file.doubleAttribute("y", on: "/MetaData/voxelsize") {
            let z = try file.doubleAttribute("z", on: "/MetaData/voxelsize") ?? 0
            voxelSizeNm = SIMD3(x, y, z) * 1000
        } else {
            voxelSizeNm = nil
        }
    }

    public func read(timePoints range: Range<Int>) throws -> [Float] {
        guard range.lowerBound >= 0, range.upperBound <= timePoints else {
            throw FileFormatError(path, "time points \(range) outside 0 ..< \(timePoints)")
        }
        let rows = (range.lowerBound * depth)..<(range.upperBound * depth)
        // A 2D ImageData (x, y) is one plane: its rows are x, so it is read whole.
        let whole = data.shape.count == 2
        // uint16 (a camera's samples) read as they are and converted while transposed: HDF5's own
        // conversion to float took about as long as the rest of the reading.
        let out = sampleType == .uint16
            ? transposed(try data.read(rows: whole ? nil : rows, as: UInt16.self), planes: rows.count) { Float($0) }
            : transposed(try data.read(rows: whole ? nil : rows, as: Float.self), planes: rows.count) { $0 }
        if !sampleType.isInteger { for v in out where !v.isFinite { throw FileFormatError(path, "'ImageData' holds non-finite values") } }
        return out
    }

    /// `planes` planes of (x, y) with y fastest, as (y, x) with x fastest, each value converted; in
    /// blocks of 32 x 32, so that both sides stay in cache.
    private func transposed<T>(_ values: [T], planes: Int, _ convert: (T) -> Float) -> [Float] {
        let plane = width * height, block = 32
        precondition(values.count == planes * plane, "PYME read: \(values.count) values for \(planes) planes")
        var out = [Float](repeating: 0, count: values.count)
        values.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                for p in 0..<planes {
                    let base = p * plane
                    for x0 in stride(from: 0, to: width, by: block) {
                        for y0 in stride(from: 0, to: height, by: block) {
                            for y in y0..<min(y0 + block, height) {
                                let row = base + y * width
                                for x in x0..<min(x0 + block, width) { dst[row + x] = convert(src[base + x * height + y]) }
                            }
                        }
                    }
                }
            }
        }
        return out
    }
}
