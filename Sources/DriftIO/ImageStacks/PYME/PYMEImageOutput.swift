import Foundation

extension PYMEImageWriter {
    /// Creates a PYME image file whose `/ImageData` (of `sampleType`, chunks of one plane, no filters,
    /// so that processes can write it together) is not yet filled, with its metadata and `attributes`
    /// on the root group. One process, before the others open it with `openForWriting`.
    public static func createEmpty(_ path: String, width: Int, height: Int, depth: Int, timePoints: Int,
                                   sampleType: ImageSampleType, voxelSizeNm: SIMD3<Double>?,
                                   attributes: [(String, String)]) throws {
        let scalar: H5Scalar
        switch sampleType {
        case .uint8: scalar = .uint8
        case .uint16: scalar = .uint16
        case .int16: scalar = .int16
        case .uint32: scalar = .uint32
        case .int32: scalar = .int32
        case .float32: scalar = .float32
        case .float64: scalar = .float64
        }
        let file = try HDF5File.create(path)
        try structure(file, scalar: scalar, width: width, height: height, depth: depth, timePoints: timePoints,
                      voxelSizeNm: voxelSizeNm, compressed: false)
        for (name, value) in attributes { try file.setAttribute(name, value) }
    }

    /// Opens a file made by `createEmpty` to write time points (collective under `.parallel`).
    public static func openForWriting(_ path: String, access: H5Access) throws -> PYMEImageFill {
        let file = try HDF5File.openReadWrite(path, access: access)
        return PYMEImageFill(file: file, data: try file.dataset("/ImageData"))
    }
}
