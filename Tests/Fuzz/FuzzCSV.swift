// libFuzzer target: CSV / ThunderSTORM localisation tables (DriftIO.CSVTable).
// Each input is read as a .csv with the default options, then with x and y in pixels, plain column
// names and frames from 1; every row is read, and corrected lines are made for a small frame range.
import DriftCore
import DriftIO
import Foundation

private let csv = FuzzFile("input.csv")
private let tsv = FuzzFile("input.tsv")

private func exercise(_ path: String, _ options: TableOptions) {
    guard let table = attempt("open", { try LocalisationTables.open(path, options: options) }) else { return }
    let n = table.rowCount
    attempt("frames") { try table.frames(rows: 0..<n).count }
    attempt("read") { try table.read(rows: 0..<n, threeD: true).frame.count }
    if n > 2 {
        attempt("read inner rows") { try table.read(rows: 1..<(n - 1), threeD: false).frame.count }
        attempt("firstRow") { try table.firstRow(atOrAfterFrame: 1) }
    }
    if let csvTable = table as? CSVTable {
        _ = csvTable.headerBytes()
        if let frames = try? csvTable.frames(rows: 0..<n), let lo = frames.min(), let hi = frames.max(), hi - lo < 10_000 {
            attempt("correctedLines") {
                try csvTable.correctedLines(rows: 0..<n, correctZ: true) { frames in
                    frames.map { SIMD3(Double($0) * 0.5, -1.25, 3) }
                }.count
            }
        }
    }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzCSV(_ data: UnsafePointer<UInt8>, _ n: Int) -> CInt {
    csv.write(data, n)
    exercise(csv.path, TableOptions())
    var pixels = TableOptions()
    pixels.unitsArePixels = true
    pixels.pixelSizeNm = 107
    pixels.frameBase = 1
    pixels.columns = ["x": "x [px]", "y": "y [px]", "frame": "t"]
    exercise(csv.path, pixels)
    // Tab-separated: the same bytes under a .tsv name.
    tsv.write(data, n)
    exercise(tsv.path, TableOptions())
    return 0
}
