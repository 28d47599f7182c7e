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
        let planes = try data.read(rows: (range.lowerBound * depth)..<(range.upperBound * depth), as: Float.self)
        // (plane, x, y) with y fastest, to (plane, y, x) with x fastest.
        var out = [Float](repeating: 0, count: planes.count)
        let plane = width * height
        for p in 0..<(range.count * depth) {
            let base = p * plane
            for x in 0..<width {
                for y in 0..<height { out[base + y * width + x] = planes[base + x * height + y] }
            }
        }
        for v in out where !v.isFinite { throw FileFormatError(path, "'ImageData' holds non-finite values") }
        return out
    }
}
