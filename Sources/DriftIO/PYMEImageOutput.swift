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

/// Time points written into a PYME image file's `/ImageData`, from our x-fastest layout to PYME's
/// planes of (x, y) with y fastest.
public final class PYMEImageFill {
    let file: HDF5File
    let data: HDF5Dataset

    init(file: HDF5File, data: HDF5Dataset) {
        self.file = file
        self.data = data
    }

    /// Writes `volumes` (each depth x height x width values, x fastest) as time points from `first`.
    /// Collective when the file is open in parallel: every process calls it, possibly with none.
    public func write(timePoints volumes: [[Float]], from first: Int) throws {
        let shape = data.shape
        let width = shape[1], height = shape[2]
        let plane = width * height
        var values = [Float](repeating: 0, count: volumes.reduce(0) { $0 + $1.count })
        var at = 0
        for v in volumes {
            for p in 0..<(v.count / plane) {
                let base = p * plane
                for y in 0..<height {
                    for x in 0..<width { values[at + base + x * height + y] = v[base + y * width + x] }
                }
            }
            at += v.count
        }
        let depth = volumes.first.map { $0.count / plane } ?? 1
        try data.write(values, rowOffset: first * depth)
    }

    public func close() throws { withExtendedLifetime((file, data)) {} }
}
