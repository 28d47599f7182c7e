import CHDF5
import Foundation

/// Picasso localisations written back with the drift removed: the input's `locs` records (every
/// column, in the input's own compound type) with x and y (camera pixels) and z (nm) corrected, and the
/// input's YAML with one more document that records what was done.
public enum PicassoCorrectedWriter {
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
