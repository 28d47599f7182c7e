import CHDF5
import Foundation

/// Corrected records of an HDF5 localisation table: rows in the table's own native layout (every
/// column, unconverted), with the drift (nm, at each row's frame) subtracted from x and y and, when
/// asked, z, each divided by its column's nm per stored unit.
public enum CorrectedRecords {
    public static func of(_ input: HDF5LocalisationTable, rows: Range<Int>, correctZ: Bool,
                          drift: ([Int]) throws -> [SIMD3<Double>]) throws -> (bytes: [UInt8], type: H5Type) {
        let type = input.table.fileType().native()
        var bytes = try input.table.readRecords(rows: rows, type: type)
        let frames = try input.frames(rows: rows).map { Int($0) }
        guard !frames.isEmpty else { return (bytes, type) }
        let rowDrift = try Self.drift(atRowFrames: frames, drift)
        var columns: [(member: (offset: Int, size: Int, isFloat: Bool), axis: Int, scale: Double)] = []
        for axis in 0..<(correctZ ? 3 : 2) {
            guard let (name, nmPerUnit) = input.coordinateColumn(axis: axis), let m = type.member(name) else {
                throw FileFormatError(input.path, "the table has no \(["x", "y", "z"][axis]) column to correct")
            }
            guard m.isFloat, m.size == 4 || m.size == 8 else {
                throw FileFormatError(input.path, "column '\(name)' is not floating point; cannot correct it")
            }
            columns.append((m, axis, 1 / nmPerUnit))
        }
        let size = type.size
        bytes.withUnsafeMutableBytes { raw in
            for k in frames.indices {
                let d = rowDrift[k]
                for c in columns {
                    let at = k * size + c.member.offset
                    let shift = d[c.axis] * c.scale
                    if c.member.size == 4 {
                        let v = raw.loadUnaligned(fromByteOffset: at, as: Float.self)
                        raw.storeBytes(of: Float(Double(v) - shift), toByteOffset: at, as: Float.self)
                    } else {
                        let v = raw.loadUnaligned(fromByteOffset: at, as: Double.self)
                        raw.storeBytes(of: v - shift, toByteOffset: at, as: Double.self)
                    }
                }
            }
        }
        return (bytes, type)
    }

    /// The drift at each row's frame, asking `drift` once for each distinct frame, in increasing order
    /// (not for every frame between the first and the last, which a table with frames 0 and 10^12
    /// would make impossible).
    public static func drift(atRowFrames frames: [Int], _ drift: ([Int]) throws -> [SIMD3<Double>]) throws -> [SIMD3<Double>] {
        let distinct = Array(Set(frames)).sorted()
        let values = try drift(distinct)
        let byFrame = Dictionary(uniqueKeysWithValues: zip(distinct, values))
        return frames.map { byFrame[$0]! }
    }

    /// Rewrites rows from `rowOffset` of table `table` in `path`, an HDF5 file copied from the input
    /// (every other object and byte unchanged). Collective under `.parallel`.
    /// `attributes` are set on the root group (the same on every process).
    public static func patch(_ path: String, table: String, records: [UInt8], type: H5Type, rowOffset: Int,
                             attributes: [(String, String)], access: H5Access) throws {
        let file = try HDF5File.openReadWrite(path, access: access)
        let ds = try file.dataset(table)
        try ds.writeRecords(records, type: type.id, rowOffset: rowOffset)
        for (name, value) in attributes { try file.setAttribute(name, value) }
        withExtendedLifetime((file, ds)) {}
    }
}
