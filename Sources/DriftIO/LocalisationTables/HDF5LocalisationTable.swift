import DriftCore
import Foundation

/// A localisation table stored as one compound HDF5 dataset (Picasso's `locs`, PYME's PyTables
/// tables): the dataset, its frame column and its coordinate columns with their units, so that
/// corrected copies can rewrite the coordinates record by record.
public protocol HDF5LocalisationTable: LocalisationTable {
    var table: HDF5Dataset { get }
    var frameColumn: String { get }
    /// The member holding axis 0 (x), 1 (y) or 2 (z), with nm per stored unit; nil when absent.
    func coordinateColumn(axis: Int) -> (name: String, nmPerUnit: Double)?
}
