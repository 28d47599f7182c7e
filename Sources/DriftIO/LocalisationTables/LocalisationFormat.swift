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
