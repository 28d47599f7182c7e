import CHDF5
import Foundation

/// Picasso localisations written back with the drift removed: the input's `locs` records (every
/// column, in the input's own compound type) with x and y (camera pixels) and z (nm) corrected, and the
/// input's YAML with one more document that records what was done.
public enum PicassoCorrectedWriter {
    /// Rows `rows` of the input as records in their native layout, with `drift` (nm, at each row's
    /// frame) subtracted from x and y (divided by the pixel size) and, with `correctZ`, from z.
    public static func correctedRecords(of input: PicassoFile, rows: Range<Int>, correctZ: Bool,
                                        drift: ([Int]) -> [SIMD3<Double>]) throws -> (bytes: [UInt8], type: H5Type) {
        let type = input.locs.fileType().native()
        var bytes = try input.locs.readRecords(rows: rows, type: type)
        let frames = try input.locs.readColumn("frame", rows: rows, as: Int64.self).map { Int($0) }
        guard !frames.isEmpty else { return (bytes, type) }
        // The drift once per frame, not per row.
        let first = frames.min()!, last = frames.max()!
        let perFrame = drift(Array(first...last))
        let px = input.metadata.pixelSizeNm
        var columns: [(member: (offset: Int, size: Int, isFloat: Bool), axis: Int, scale: Double)] = []
        for (name, axis, scale) in [("x", 0, 1 / px), ("y", 1, 1 / px)] + (correctZ ? [("z", 2, 1.0)] : []) {
            guard let m = type.member(name) else { throw HDF5Error(input.path, "dataset 'locs' has no '\(name)' column") }
            guard m.isFloat, m.size == 4 || m.size == 8 else {
                throw HDF5Error(input.path, "column '\(name)' of 'locs' is not floating point; cannot correct it")
            }
            columns.append((m, axis, scale))
        }
        let size = type.size
        bytes.withUnsafeMutableBytes { raw in
            for k in frames.indices {
                let d = perFrame[frames[k] - first]
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

    /// Creates `path` with a `locs` dataset of the input's type and `totalRows` rows, and writes
    /// `records` at `rowOffset`. Under `.parallel` every process calls it (collective).
    public static func write(records: [UInt8], type: H5Type, rowOffset: Int, totalRows: Int, like input: PicassoFile,
                             to path: String, access: H5Access) throws {
        let file = try HDF5File.create(path, access: access)
        let fileType = input.locs.fileType()
        let ds = try file.createDataset("/locs", type: fileType.id, shape: [totalRows])
        try ds.writeRecords(records, type: type.id, rowOffset: rowOffset)
        withExtendedLifetime((file, fileType)) {}
    }

    /// The input's YAML with a document appended: `entries` as `key: value` lines.
    public static func yaml(of input: PicassoFile, appending entries: [(String, String)]) throws -> String {
        let yamlPath = PicassoMetadata.yamlPath(forLocalisations: input.path)
        var text = try String(contentsOfFile: yamlPath, encoding: .utf8)
        if !text.hasSuffix("\n") { text += "\n" }
        text += "---\n"
        for (k, v) in entries {
            let quoted = v.contains(where: { ":#'\"{}[],&*!|>%@`".contains($0) }) || v.isEmpty
                ? "'" + v.replacingOccurrences(of: "'", with: "''") + "'" : v
            text += "\(k): \(quoted)\n"
        }
        return text
    }
}
