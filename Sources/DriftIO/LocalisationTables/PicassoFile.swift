import CHDF5
import DriftCore
import Foundation

/// A Picasso localisation file (`NAME.hdf5` with dataset `locs`, x/y in camera pixels, frames from 0,
/// and `NAME.yaml`), opened for reading rows by frame range.
public final class PicassoFile {
    public let path: String
    public let metadata: PicassoMetadata
    let file: HDF5File
    let locs: HDF5Dataset
    /// Number of localisations.
    public let rowCount: Int
    /// Whether the table has a `z` column (nm).
    public let hasZ: Bool

    /// Opens the pair; under `.parallel` every process of the communicator must call this together.
    public init(path: String, access: H5Access = .serial) throws {
        self.path = path
        file = try HDF5File.openReadOnly(path, access: access)
        guard file.exists("/locs") else { throw FileFormatError(path, "no dataset 'locs' (not a Picasso localisation file)") }
        locs = try file.dataset("/locs")
        let members = locs.members
        guard locs.isCompound, locs.shape.count == 1 else {
            throw FileFormatError(path, "dataset 'locs' is not a table of localisations (compound, one dimension)")
        }
        for name in ["frame", "x", "y"] {
            guard let m = members.first(where: { $0.name == name }) else {
                throw FileFormatError(path, "dataset 'locs' has no '\(name)' column")
            }
            if name == "frame" && !m.isInteger { throw FileFormatError(path, "column 'frame' of 'locs' is not an integer") }
            if name != "frame" && !m.isFloat && !m.isInteger {
                throw FileFormatError(path, "column '\(name)' of 'locs' is not numeric")
            }
        }
        hasZ = members.contains { $0.name == "z" }
        rowCount = locs.rowCount
        metadata = try PicassoMetadata.read(yamlPath: PicassoMetadata.yamlPath(forLocalisations: path))
    }

    /// Column `name` of rows `rows`, converted to Double.
    public func column(_ name: String, rows: Range<Int>) throws -> [Double] {
        try locs.readColumn(name, rows: rows, as: Double.self)
    }

    public func frames(rows: Range<Int>) throws -> [Int64] {
        try locs.readRecordColumns(floats: [], integer: "frame", rows: rows)?.integer
            ?? locs.readColumn("frame", rows: rows, as: Int64.self)
    }

    /// Rows `rows` as localisations in nm (x and y times the pixel size; z is already nm).
    /// With `threeD` false the z column is not read.
    public func read(rows: Range<Int>, threeD: Bool = false) throws -> Localisations {
        let px = Float(metadata.pixelSizeNm)
        let withZ = threeD && hasZ
        // Whole records in one pass where the columns are stored as Picasso writes them; else column
        // by column, converted by HDF5. The same values either way.
        let columns = try locs.readRecordColumns(floats: withZ ? ["x", "y", "z"] : ["x", "y"], integer: "frame", rows: rows)
        let frame = try engineFrames(try columns?.integer ?? frames(rows: rows), firstRow: rows.lowerBound)
        let x = try (columns?.floats[0] ?? locs.readColumn("x", rows: rows, as: Float.self)).map { $0 * px }
        let y = try (columns?.floats[1] ?? locs.readColumn("y", rows: rows, as: Float.self)).map { $0 * px }
        let z = withZ ? try columns?.floats[2] ?? locs.readColumn("z", rows: rows, as: Float.self) : nil
        try checkFinite(x, y, z, firstRow: rows.lowerBound)
        return Localisations(frame: frame, x: x, y: y, z: z)
    }
}

extension PicassoFile: LocalisationTable {
    public var format: LocalisationFormat { .picasso }
    public var frameBase: Int { 0 }
    public var declaredFrameCount: Int? { metadata.frames }
    public var declaredFieldNm: SIMD2<Double>? {
        SIMD2(Double(metadata.width), Double(metadata.height)) * metadata.pixelSizeNm
    }
    public var pixelSizeNm: Double? { metadata.pixelSizeNm }
}
