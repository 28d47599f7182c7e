import DriftCore
import Foundation

extension PicassoFile: HDF5LocalisationTable {
    public var table: HDF5Dataset { locs }
    public var frameColumn: String { "frame" }
    public func coordinateColumn(axis: Int) -> (name: String, nmPerUnit: Double)? {
        switch axis {
        case 0: return ("x", metadata.pixelSizeNm)
        case 1: return ("y", metadata.pixelSizeNm)
        default: return hasZ ? ("z", 1) : nil
        }
    }
}
