import DriftCore
import Foundation

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
