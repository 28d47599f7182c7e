import DriftCore
import Foundation

/// The localisation file formats driftmpi reads and writes.
public enum LocalisationFormat: String, Sendable, CaseIterable {
    /// Picasso: `NAME.hdf5` (dataset `locs`, x/y in camera pixels, frames from 0) with `NAME.yaml`.
    case picasso
    /// PYME fit results (`.h5r`): PyTables table `FitResults`, nested `fitResults.x0/y0` in nm, `tIndex` from 0.
    case pymeResults = "pyme-h5r"
    /// PYME tabular export (`.hdf`): a PyTables table with flat columns `x`, `y`, `z` (nm) and `t` (frame from 0).
    case pymeTable = "pyme-hdf"
    /// ThunderSTORM CSV: `"x [nm]"`, `"y [nm]"`, `"z [nm]"`, `frame` from 1, any other columns.
    case thunderstorm = "thunderstorm-csv"
    /// Any CSV with a header, columns named by `TableOptions.columns`.
    case csv
}

/// How to read a table whose file does not say everything (plain CSV): which columns hold x, y, z
/// and the frame, their unit, and the number of the first frame.
public struct TableOptions: Sendable, Equatable {
    /// Column names for `x`, `y`, `z` and `frame` (keys), overriding the format's own names.
    public var columns: [String: String] = [:]
    /// Unit of x and y in a CSV: nm, or camera pixels of `pixelSizeNm`.
    public var unitsArePixels: Bool = false
    /// Camera pixel size, nm (CSV in pixels).
    public var pixelSizeNm: Double?
    /// Number of the acquisition's first frame in a plain CSV (0 or 1); nil: 0.
    public var frameBase: Int?

    public init() {}

    /// Parses `x=COL,y=COL,z=COL,frame=COL`.
    public static func parseColumns(_ text: String) throws -> [String: String] {
        var out: [String: String] = [:]
        for item in text.split(separator: ",") {
            let kv = item.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard kv.count == 2, ["x", "y", "z", "frame"].contains(kv[0]), !kv[1].isEmpty else {
                throw FileFormatError("--columns", "'\(item)' is not x=NAME, y=NAME, z=NAME or frame=NAME")
            }
            out[kv[0]] = kv[1]
        }
        return out
    }
}

/// A table of localisations in a file, read by row ranges so that each process reads only its own
/// rows. Coordinates come out in nm, frames in the file's own numbering (`frameBase` says where it
/// starts: 0 for Picasso and PYME, 1 for ThunderSTORM).
public protocol LocalisationTable: AnyObject {
    var path: String { get }
    var format: LocalisationFormat { get }
    /// Number of localisations.
    var rowCount: Int { get }
    /// Whether the table has a z column (nm).
    var hasZ: Bool { get }
    /// Number of the acquisition's first frame in this format.
    var frameBase: Int { get }
    /// Frames in the acquisition when the file records it (Picasso's YAML); nil: up to the last localisation's.
    var declaredFrameCount: Int? { get }
    /// The camera field, nm from (0, 0), when the file records it; nil: the localisations' extent.
    var declaredFieldNm: SIMD2<Double>? { get }
    /// Camera pixel size, nm, when known.
    var pixelSizeNm: Double? { get }
    /// The frames of rows `rows`.
    func frames(rows: Range<Int>) throws -> [Int64]
    /// Rows `rows` as localisations in nm; with `threeD` false the z column is not read.
    func read(rows: Range<Int>, threeD: Bool) throws -> Localisations
}

extension LocalisationTable {
    /// The frame of row `row`.
    public func frame(atRow row: Int) throws -> Int { Int(try frames(rows: row..<(row + 1))[0]) }

    /// The first row whose frame is >= `frame`, by binary search on the (sorted) frame column,
    /// reading O(log n) single values.
    public func firstRow(atOrAfterFrame frame: Int) throws -> Int {
        try (0..<rowCount).partitioningIndex { try self.frame(atRow: $0) >= frame }
    }

    /// Checked conversion of frames to the engine's type.
    func engineFrames(_ frames: [Int64], firstRow: Int) throws -> [UInt32] {
        try checkFrameRange(frames, firstRow: firstRow)
        return frames.map { UInt32($0) }
    }

    /// Throws, naming the row, unless every frame (of rows from `firstRow`) is in the engine's range.
    public func checkFrameRange(_ frames: [Int64], firstRow: Int) throws {
        if let k = frames.firstIndex(where: { $0 < 0 || $0 > Int64(UInt32.max) }) {
            throw FileFormatError(path, "row \(firstRow + k) has frame \(frames[k]), outside 0 ... \(UInt32.max)")
        }
    }

    /// Throws unless every coordinate is finite.
    func checkFinite(_ x: [Float], _ y: [Float], _ z: [Float]?, firstRow: Int) throws {
        for k in x.indices where !x[k].isFinite || !y[k].isFinite || !(z?[k].isFinite ?? true) {
            throw FileFormatError(path, "row \(firstRow + k) has a non-finite coordinate")
        }
    }
}

/// Opens localisation files of any supported format.
public enum LocalisationTables {
    /// The format of `path`: CSV by extension (`.csv`, `.txt`, `.tsv`; ThunderSTORM when its header
    /// has `x [nm]`), HDF5 by content (`locs`: Picasso; `FitResults` with nested `fitResults`: PYME
    /// fit results; another table with `x`, `y` and `t`: PYME tabular export).
    public static func open(_ path: String, options: TableOptions = TableOptions(), access: H5Access = .serial) throws -> LocalisationTable {
        guard FileManager.default.fileExists(atPath: path) else { throw FileFormatError(path, "no such file") }
        let ext = (path as NSString).pathExtension.lowercased()
        if ["csv", "txt", "tsv"].contains(ext) { return try CSVTable(path: path, options: options) }
        guard HDF5File.isHDF5(path) else {
            throw FileFormatError(path, "not an HDF5 file (driftmpi reads Picasso and PYME HDF5 files, and CSV files named .csv, .tsv or .txt)")
        }
        let file = try HDF5File.openReadOnly(path, access: access)
        if file.exists("/locs") { return try PicassoFile(path: path, access: access) }
        do {
            return try PYMETable(file: file, options: options)
        } catch let e as FileFormatError where ext == "hdf5" && e.problem.hasPrefix("no localisation table") {
            throw FileFormatError(path, "no dataset 'locs' (not a Picasso localisation file)")
        }
    }
}
