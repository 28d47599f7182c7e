import DriftCore
import Foundation

/// A PYME localisation table (PyTables, x, y and z in nm, frames from 0):
///
/// - fit results (`.h5r`): table `/FitResults` whose nested `fitResults` member holds `x0`, `y0`
///   (and `z0` from 3D fits), frame in `tIndex`;
/// - tabular exports (`.hdf`): a table with flat columns `x`, `y`, `z`, frame in `t` (the first root
///   table that has them, `FitResults` preferred).
///
/// `TableOptions.columns` may name other members (nested ones with dots, `fitResults.x0`).
public final class PYMETable: HDF5LocalisationTable {
    public let path: String
    public let format: LocalisationFormat
    let file: HDF5File
    public let table: HDF5Dataset
    public let frameColumn: String
    let columns: [String]  // x, y and, when present, z
    public let rowCount: Int
    public var hasZ: Bool { columns.count == 3 }
    public var frameBase: Int { 0 }
    public var declaredFrameCount: Int? { nil }
    public var declaredFieldNm: SIMD2<Double>? { nil }
    public var pixelSizeNm: Double? { nil }

    init(file: HDF5File, options: TableOptions) throws {
        path = file.path
        self.file = file
        // The table: FitResults, else the first compound root dataset with x, y and t.
        var chosen: (name: String, format: LocalisationFormat, members: [String])?
        for name in ["FitResults"] + file.children().filter({ $0 != "FitResults" }) {
            guard let ds = try? file.dataset("/" + name), ds.isCompound, ds.shape.count == 1 else { continue }
            let members = ds.leafMembers.map(\.name)
            if members.contains("fitResults.x0") { chosen = (name, .pymeResults, members); break }
            if members.contains("x") && members.contains("y") && (members.contains("t") || options.columns["frame"] != nil) {
                chosen = (name, .pymeTable, members); break
            }
            if name == "FitResults" && !options.columns.isEmpty { chosen = (name, .pymeTable, members); break }
        }
        guard let c = chosen else {
            throw FileFormatError(path, "no localisation table: neither Picasso's 'locs' nor a PYME table ('FitResults' with fitResults.x0, or a table with x, y and t)")
        }
        format = c.format
        table = try file.dataset("/" + c.name)
        let nested = c.format == .pymeResults
        let names = [
            "frame": options.columns["frame"] ?? (nested ? "tIndex" : "t"),
            "x": options.columns["x"] ?? (nested ? "fitResults.x0" : "x"),
            "y": options.columns["y"] ?? (nested ? "fitResults.y0" : "y"),
            "z": options.columns["z"] ?? (nested ? "fitResults.z0" : "z"),
        ]
        let leaves = table.leafMembers
        for key in ["frame", "x", "y", "z"] {
            let name = names[key]!
            guard let m = leaves.first(where: { $0.name == name }) else {
                if key == "z" { continue }
                throw FileFormatError(path, "table '\(c.name)' has no '\(name)' column")
            }
            guard m.isFloat || m.isInteger else {
                throw FileFormatError(path, "column '\(name)' of table '\(c.name)' is not numeric")
            }
        }
        frameColumn = names["frame"]!
        columns = ["x", "y", "z"].map { names[$0]! }.filter { n in leaves.contains { $0.name == n } }
        rowCount = table.rowCount
    }

    public func coordinateColumn(axis: Int) -> (name: String, nmPerUnit: Double)? {
        axis < columns.count ? (columns[axis], 1) : nil
    }

    public func frames(rows: Range<Int>) throws -> [Int64] {
        // PYME's `t` may be stored as a float; frames are its integer values.
        try table.readColumn(frameColumn, rows: rows, as: Double.self).map { Int64($0.rounded()) }
    }

    public func read(rows: Range<Int>, threeD: Bool) throws -> Localisations {
        let frame = try engineFrames(try frames(rows: rows), firstRow: rows.lowerBound)
        let x = try table.readColumn(columns[0], rows: rows, as: Float.self)
        let y = try table.readColumn(columns[1], rows: rows, as: Float.self)
        let z = threeD && hasZ ? try table.readColumn(columns[2], rows: rows, as: Float.self) : nil
        try checkFinite(x, y, z, firstRow: rows.lowerBound)
        return Localisations(frame: frame, x: x, y: y, z: z)
    }
}
