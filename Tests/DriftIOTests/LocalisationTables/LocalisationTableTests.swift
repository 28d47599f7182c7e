import DriftCore
import DriftIO
import XCTest

/// The readers on files written by the real tools' libraries (Tests/Fixtures/localisations, made by
/// make_fixtures.py with PyTables, h5py and numpy): every format gives the same 13,121 localisations
/// of one simulated acquisition.
final class LocalisationTableTests: XCTestCase {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Fixtures/localisations").path
    func fixture(_ name: String) -> String { Self.fixtures + "/" + name }

    var dir: TemporaryDirectory!
    override func setUp() { dir = TemporaryDirectory() }
    override func tearDown() { dir.remove() }

    struct Expected {
        var file: String
        var format: LocalisationFormat
        var options = TableOptions()
        var hasZ: Bool
        var frameBase: Int
        /// First and last rows: frame, x, y, z (nm, as stored, within `tolerance`).
        var first: (Int, Double, Double, Double)
        var last: (Int, Double, Double, Double)
        var tolerance: Double
    }

    static var plainOptions: TableOptions {
        var o = TableOptions()
        o.columns = ["x": "xpos_px", "y": "ypos_px", "frame": "frame_no"]
        o.unitsArePixels = true
        o.pixelSizeNm = 100
        return o
    }

    let expected: [Expected] = [
        Expected(file: "pyme_fitresults.h5r", format: .pymeResults, hasZ: false, frameBase: 0,
                 first: (0, 9814.990234375, 2724.4755859375, 0), last: (1999, 5315.43212890625, 6037.27783203125, 0), tolerance: 0),
        Expected(file: "pyme_localizations.hdf", format: .pymeTable, hasZ: true, frameBase: 0,
                 first: (0, 9814.990234375, 2724.4755859375, 262.5619812011719),
                 last: (1999, 5315.43212890625, 6037.27783203125, -116.28520202636719), tolerance: 0),
        Expected(file: "thunderstorm.csv", format: .thunderstorm, hasZ: true, frameBase: 1,
                 first: (1, 9814.99029, 2724.4756, 262.56199), last: (2000, 5315.43205, 6037.27785, -116.28521), tolerance: 1e-3),
        Expected(file: "thunderstorm_2d.csv", format: .thunderstorm, hasZ: false, frameBase: 1,
                 first: (1, 9814.99029, 2724.4756, 0), last: (2000, 5315.43205, 6037.27785, 0), tolerance: 1e-3),
        Expected(file: "plain_px.csv", format: .csv, options: plainOptions, hasZ: false, frameBase: 0,
                 first: (0, 9814.99, 2724.48, 0), last: (1999, 5315.43, 6037.28, 0), tolerance: 1e-3),
    ]

    func testEveryFormatReadsTheSameAcquisition() throws {
        var reference: Localisations?
        for e in expected {
            let table = try LocalisationTables.open(fixture(e.file), options: e.options)
            XCTAssertEqual(table.format, e.format, e.file)
            XCTAssertEqual(table.rowCount, 13121, e.file)
            XCTAssertEqual(table.hasZ, e.hasZ, e.file)
            XCTAssertEqual(table.frameBase, e.frameBase, e.file)
            let locs = try table.read(rows: 0..<table.rowCount, threeD: true)
            for (row, want) in [(0, e.first), (table.rowCount - 1, e.last)] {
                XCTAssertEqual(Int(locs.frame[row]), want.0, e.file)
                XCTAssertEqual(Double(locs.x[row]), want.1, accuracy: e.tolerance, e.file)
                XCTAssertEqual(Double(locs.y[row]), want.2, accuracy: e.tolerance, e.file)
                if e.hasZ { XCTAssertEqual(Double(locs.z![row]), want.3, accuracy: e.tolerance, e.file) }
            }
            XCTAssertEqual(locs.frame, locs.frame.sorted(), e.file)
            // Row ranges read the same values as the whole table.
            let part = try table.read(rows: 5000..<5100, threeD: true)
            XCTAssertEqual(part, locs.rows(5000..<5100), e.file)
            XCTAssertEqual(try table.firstRow(atOrAfterFrame: e.frameBase + 1000), locs.frame.firstIndex { $0 >= UInt32(e.frameBase + 1000) }, e.file)
            // The same localisations in every format (frames from each file's base; CSV to its decimals).
            let frames = locs.frame.map { $0 - UInt32(e.frameBase) }
            if let r = reference {
                XCTAssertEqual(frames, r.frame, e.file)
                XCTAssertLessThan(zip(locs.x, r.x).map { abs($0 - $1) }.max()!, 0.01, e.file)
                XCTAssertLessThan(zip(locs.y, r.y).map { abs($0 - $1) }.max()!, 0.01, e.file)
            } else {
                reference = Localisations(frame: frames, x: locs.x, y: locs.y)
            }
        }
    }

    func testPYMENestedColumnsAreReadByPath() throws {
        let file = try HDF5File.openReadOnly(fixture("pyme_fitresults.h5r"))
        let table = try file.dataset("/FitResults")
        let names = table.leafMembers.map(\.name)
        XCTAssertTrue(names.contains("fitResults.x0") && names.contains("slicesUsed.y.stop"), "\(names)")
        XCTAssertEqual(try table.readColumn("fitResults.x0", rows: 0..<1, as: Double.self), [9814.990234375])
        XCTAssertEqual(try table.readColumn("tIndex", rows: 13120..<13121, as: Int64.self), [1999])
    }

    /// Corrected copies with a zero drift change nothing: HDF5 records byte for byte, CSV lines
    /// value for value (coordinates) and byte for byte (every other field).
    func testZeroDriftRoundTrips() throws {
        let zero: ([Int]) throws -> [SIMD3<Double>] = { $0.map { _ in .zero } }
        for name in ["pyme_fitresults.h5r", "pyme_localizations.hdf"] {
            let table = try LocalisationTables.open(fixture(name)) as! HDF5LocalisationTable
            let raw = try table.table.readRecords(rows: 0..<table.rowCount, type: table.table.fileType().native())
            let corrected = try CorrectedRecords.of(table, rows: 0..<table.rowCount, correctZ: table.hasZ, drift: zero)
            XCTAssertEqual(corrected.bytes, raw, name)
        }
        for e in expected where e.file.hasSuffix(".csv") {
            let table = try CSVTable(path: fixture(e.file), options: e.options)
            let out = dir.file(e.file)
            let bytes = table.headerBytes() + (try table.correctedLines(rows: 0..<table.rowCount, correctZ: table.hasZ, drift: zero))
            try Data(bytes).write(to: URL(fileURLWithPath: out))
            let back = try CSVTable(path: out, options: e.options)
            XCTAssertEqual(try back.read(rows: 0..<back.rowCount, threeD: true), try table.read(rows: 0..<table.rowCount, threeD: true), e.file)
            let a = try String(contentsOfFile: fixture(e.file), encoding: .utf8).split(separator: "\n")
            let b = try String(contentsOfFile: out, encoding: .utf8).split(separator: "\n")
            XCTAssertEqual(a.count, b.count)
            XCTAssertEqual(a[0], b[0])
            let coordinates = Set(table.coordinateIndex)
            for k in [1, 2, 777, a.count - 1] {
                let fa = a[k].split(separator: ",", omittingEmptySubsequences: false)
                let fb = b[k].split(separator: ",", omittingEmptySubsequences: false)
                for c in fa.indices where !coordinates.contains(c) { XCTAssertEqual(fa[c], fb[c], "\(e.file) line \(k + 1)") }
            }
        }
    }

    /// A known drift comes off the coordinates, in each column's own unit.
    func testKnownDriftIsSubtractedInEachUnit() throws {
        let drift: ([Int]) throws -> [SIMD3<Double>] = { $0.map { SIMD3(Double($0), -2 * Double($0), 0.5) } }
        // PYME: nm, frames from 0.
        let pyme = try LocalisationTables.open(fixture("pyme_localizations.hdf")) as! PYMETable
        let raw = try pyme.read(rows: 0..<pyme.rowCount, threeD: true)
        let c = try CorrectedRecords.of(pyme, rows: 0..<pyme.rowCount, correctZ: true, drift: drift)
        let copy = dir.file("copy.hdf")
        try FileManager.default.copyItem(atPath: fixture("pyme_localizations.hdf"), toPath: copy)
        try CorrectedRecords.patch(copy, table: "/Localizations", records: c.bytes, type: c.type, rowOffset: 0, attributes: [("k", "v")], access: .serial)
        let back = try LocalisationTables.open(copy).read(rows: 0..<pyme.rowCount, threeD: true)
        for k in [0, 4000, pyme.rowCount - 1] {
            let f = Float(raw.frame[k])
            XCTAssertEqual(back.x[k], raw.x[k] - f, accuracy: 2e-3)
            XCTAssertEqual(back.y[k], raw.y[k] + 2 * f, accuracy: 2e-3)
            XCTAssertEqual(back.z![k], raw.z![k] - 0.5, accuracy: 1e-4)
        }
        // Plain CSV in pixels of 100 nm: the shift is divided by the pixel size.
        let csv = try CSVTable(path: fixture("plain_px.csv"), options: Self.plainOptions)
        let lines = try csv.correctedLines(rows: 0..<3, correctZ: false, drift: drift)
        let out = dir.file("plain.csv")
        try Data(csv.headerBytes() + lines).write(to: URL(fileURLWithPath: out))
        let text = try String(contentsOfFile: out, encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(text[0], "frame_no,xpos_px,ypos_px,photons,label")
        let original = try String(contentsOfFile: fixture("plain_px.csv"), encoding: .utf8).split(separator: "\n")
        for k in 1...3 {
            let a = original[k].split(separator: ","), b = text[k].split(separator: ",")
            let f = Double(a[0])!
            XCTAssertEqual(Double(b[1])!, Double(a[1])! - f / 100, accuracy: 1e-5)
            XCTAssertEqual(Double(b[2])!, Double(a[2])! + 2 * f / 100, accuracy: 1e-5)
            XCTAssertEqual(a[3...], b[3...])
        }
    }

    func testBadFilesNameTheFileAndTheProblem() {
        let bad = fixture("bad")
        let cases: [(String, String)] = [
            ("truncated.h5r", "cannot open the HDF5 file (damaged or truncated?)"),
            ("no_fitresults.h5r", "no localisation table: neither Picasso's 'locs' nor a PYME table ('FitResults' with fitResults.x0, or a table with x, y and t)"),
            ("wrong_type.hdf", "column 'x' of table 'Localizations' is not numeric"),
            ("missing_column.csv", "no column 'y [nm]' in the header"),
            ("empty.csv", "the file is empty (a CSV file needs a header line)"),
            ("header_only.csv", "no rows after the header"),
        ]
        for (name, problem) in cases {
            let path = bad + "/" + name
            XCTAssertThrowsError(try LocalisationTables.open(path), name) { error in
                XCTAssertTrue("\(error)".hasPrefix("\(path): \(problem)"), "\(error)")
            }
        }
        // A non-numeric cell is found when its row is read, with its line and column.
        let path = bad + "/non_numeric.csv"
        XCTAssertThrowsError(try LocalisationTables.open(path).read(rows: 0..<10, threeD: false)) { error in
            XCTAssertEqual("\(error)", "\(path): line 6, column 'x [nm]': 'abc' is not a number")
        }
        // A CSV cut off inside a line: the last line is short.
        let cut = dir.file("cut.csv")
        let text = try! String(contentsOfFile: fixture("thunderstorm.csv"), encoding: .utf8)
        try! String(text.prefix(1000)).write(toFile: cut, atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try LocalisationTables.open(cut).read(rows: 0..<((try? LocalisationTables.open(cut).rowCount) ?? 0), threeD: true)) { error in
            XCTAssertTrue("\(error)".hasPrefix("\(cut): line 10 has 6 fields; the header has 12"), "\(error)")
        }
        // Pixels without a pixel size; a plain CSV without the named column.
        var px = Self.plainOptions
        px.pixelSizeNm = nil
        XCTAssertThrowsError(try LocalisationTables.open(fixture("plain_px.csv"), options: px)) { error in
            XCTAssertTrue("\(error)".hasSuffix("x and y are in pixels (--units px): give the pixel size with --pixel-size-nm"), "\(error)")
        }
        XCTAssertThrowsError(try LocalisationTables.open(fixture("plain_px.csv"))) { error in
            XCTAssertTrue("\(error)".contains("no column 'frame' in the header ('frame_no', 'xpos_px', 'ypos_px', 'photons', 'label'); name the columns with --columns"), "\(error)")
        }
    }
}
