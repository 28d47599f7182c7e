import DriftIO
import XCTest

/// Columns taken from whole records (`HDF5Dataset.readRecordColumns`) are the values HDF5's own
/// conversion gives (`readColumn`), for every integer kind the fast path takes (uint8, uint16, int16,
/// uint32, int32, int64); a column of another kind, and rows outside the table, are left to
/// `readColumn`.
final class RecordColumnsTests: XCTestCase {
    var dir: TemporaryDirectory!
    override func setUp() { dir = TemporaryDirectory() }
    override func tearDown() { dir.remove() }

    /// A table of `rows` records: frame (`frameKind`), x (`xKind`), photons (float64), y (float32).
    private func table(frameKind: H5Scalar, xKind: H5Scalar, rows: Int) throws -> HDF5Dataset {
        let type = H5CompoundType(members: [("frame", frameKind), ("x", xKind), ("photons", .float64), ("y", .float32)])
        var bytes = [UInt8](repeating: 0, count: rows * type.size)
        func put<T>(_ value: T, _ row: Int, _ member: String) {
            withUnsafeBytes(of: value) { v in
                for (k, b) in v.enumerated() { bytes[row * type.size + type.offsets[member]! + k] = b }
            }
        }
        for r in 0..<rows {
            let frame = r * 7 % 200
            switch frameKind {
            case .uint8: put(UInt8(frame), r, "frame")
            case .uint16: put(UInt16(frame * 300), r, "frame")
            case .int16: put(Int16(frame * 100 - 9000), r, "frame")
            case .uint32: put(UInt32(frame) * 20_000_000, r, "frame")
            case .int32: put(Int32(frame) * 10_000_000 - 1_000_000_000, r, "frame")
            default: put(Int64(frame) << 40 - 5, r, "frame")
            }
            let x = 0.1 * Double(r) + 1e-7 * Double(r * r)
            if xKind == .float32 { put(Float(x), r, "x") } else { put(x, r, "x") }
            put(Double(r) * 3.5, r, "photons")
            put(Float(-0.25 * Double(r)), r, "y")
        }
        let file = try HDF5File.create(dir.file("t-\(frameKind)-\(xKind).hdf5"))
        let set = try file.createDataset("locs", type: type.id, shape: [rows])
        try set.writeRecords(bytes, type: type.id, rowOffset: 0)
        return set
    }

    func testEveryIntegerKindReadsAsHDF5ConvertsIt() throws {
        for kind in [H5Scalar.uint8, .uint16, .int16, .uint32, .int32, .int64] {
            let set = try table(frameKind: kind, xKind: .float32, rows: 1000)
            // Blocks smaller than the rows, a range that starts and ends inside blocks.
            let rows = 13..<987
            let fast = try XCTUnwrap(try set.readRecordColumns(floats: ["x", "y"], integer: "frame", rows: rows, blockRows: 64))
            XCTAssertEqual(fast.integer, try set.readColumn("frame", rows: rows, as: Int64.self), "\(kind)")
            XCTAssertEqual(fast.floats[0], try set.readColumn("x", rows: rows, as: Float.self), "\(kind)")
            XCTAssertEqual(fast.floats[1], try set.readColumn("y", rows: rows, as: Float.self), "\(kind)")
            let none = try XCTUnwrap(try set.readRecordColumns(floats: ["y"], integer: "frame", rows: 500..<500))
            XCTAssertEqual(none.integer, [])
            XCTAssertEqual(none.floats, [[]])
        }
    }

    func testOtherKindsAndMissingMembersAreLeftToReadColumn() throws {
        let set = try table(frameKind: .int32, xKind: .float64, rows: 50)
        XCTAssertNil(try set.readRecordColumns(floats: ["x", "y"], integer: "frame", rows: 0..<50))
        XCTAssertNil(try set.readRecordColumns(floats: ["y"], integer: "photons", rows: 0..<50))
        XCTAssertNil(try set.readRecordColumns(floats: ["y"], integer: "z", rows: 0..<50))
        XCTAssertNotNil(try set.readRecordColumns(floats: ["y"], integer: "frame", rows: 0..<50))
        XCTAssertNil(try set.readRecordColumns(floats: ["y"], integer: "frame", rows: 40..<51))
        XCTAssertThrowsError(try set.readColumn("y", rows: 40..<51, as: Float.self))
    }
}
