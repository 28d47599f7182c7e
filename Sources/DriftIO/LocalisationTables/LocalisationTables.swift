import DriftCore
import Foundation

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
