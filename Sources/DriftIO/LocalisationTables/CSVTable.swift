import DriftCore
import Foundation

/// A localisation table in a CSV file with a header line: ThunderSTORM's export (`"x [nm]"`,
/// `"y [nm]"`, `"z [nm]"`, `"frame"` from 1) or any CSV whose columns `TableOptions` names (x and y
/// in nm, or camera pixels with `--units px`; z in nm; frames from `--frame-base`, default 0).
///
/// The file is memory-mapped and only the line starts are scanned when it opens (one in every
/// `indexStride` kept), so reading a range of rows parses only those rows. Fields are separated by
/// commas (tabs in `.tsv` files); a field may be quoted with `"`, but no field may hold a line break.
public final class CSVTable: LocalisationTable {
    public let path: String
    public let format: LocalisationFormat
    let data: Data
    let delimiter: UInt8
    /// Column names as the header gives them (quotes removed).
    public let header: [String]
    /// Column index of the frame and of x, y (and z).
    public let frameIndex: Int
    public let coordinateIndex: [Int]
    /// nm per stored unit of x and y (z is always nm).
    let nmPerUnitXY: Double
    public let rowCount: Int
    public let frameBase: Int
    public var hasZ: Bool { coordinateIndex.count == 3 }
    public var declaredFrameCount: Int? { nil }
    public var declaredFieldNm: SIMD2<Double>? { nil }
    public let pixelSizeNm: Double?
    /// Byte offset of the first data line and of every `indexStride`-th line after it; the end of
    /// the data (trailing blank lines excluded).
    let lineIndex: [Int]
    let dataEnd: Int
    static let indexStride = 64

    public init(path: String, options: TableOptions = TableOptions()) throws {
        self.path = path
        do { data = try Data(contentsOf: URL(fileURLWithPath: path), options: .alwaysMapped) } catch {
            throw FileFormatError(path, "cannot read the file")
        }
        guard !data.isEmpty else { throw FileFormatError(path, "the file is empty (a CSV file needs a header line)") }
        delimiter = (path as NSString).pathExtension.lowercased() == "tsv" ? UInt8(ascii: "\t") : UInt8(ascii: ",")
        let delimiter = self.delimiter
        // Header (after an optional UTF-8 byte order mark) and the line index.
        let (header, firstLine, index, end, rows): ([String], Int, [Int], Int, Int) = data.withUnsafeBytes { raw in
            let bytes = raw.bindMemory(to: UInt8.self)
            var end = bytes.count
            while end > 0, [10, 13, 32, 9].contains(bytes[end - 1]) { end -= 1 }
            let bom = bytes.count >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF ? 3 : 0
            let headerEnd = CSVTable.lineEnd(bytes, from: bom, to: end)
            let fields = CSVTable.fields(bytes, bom..<headerEnd, delimiter: delimiter)
            let header = fields.map { String(decoding: UnsafeRawBufferPointer(rebasing: raw[$0.content]), as: UTF8.self).trimmingCharacters(in: .whitespaces) }
            let first = min(headerEnd + 1, end)
            var index: [Int] = []
            var rows = 0
            var at = first
            while at < end {
                if rows % CSVTable.indexStride == 0 { index.append(at) }
                rows += 1
                at = CSVTable.lineEnd(bytes, from: at, to: end) + 1
            }
            return (header, first, index, end, rows)
        }
        self.header = header
        lineIndex = index.isEmpty ? [firstLine] : index
        dataEnd = end
        rowCount = rows

        let column: (String) -> Int? = { header.firstIndex(of: $0) }
        let columns: [String: String]
        if header.contains("x [nm]") || header.contains("y [nm]") {
            format = .thunderstorm
            columns = ["x": "x [nm]", "y": "y [nm]", "z": "z [nm]", "frame": "frame"].merging(options.columns) { $1 }
            frameBase = options.frameBase ?? 1
            nmPerUnitXY = 1
            pixelSizeNm = options.pixelSizeNm
        } else {
            format = .csv
            columns = ["x": "x", "y": "y", "z": "z", "frame": "frame"].merging(options.columns) { $1 }
            frameBase = options.frameBase ?? 0
            if options.unitsArePixels {
                guard let px = options.pixelSizeNm, px > 0, px.isFinite else {
                    throw FileFormatError(path, "x and y are in pixels (--units px): give the pixel size with --pixel-size-nm")
                }
                nmPerUnitXY = px
            } else {
                nmPerUnitXY = 1
            }
            pixelSizeNm = options.pixelSizeNm
        }
        let isPlain = format == .csv
        let shown = header.prefix(12).map { "'\($0)'" }.joined(separator: ", ") + (header.count > 12 ? ", ..." : "")
        func required(_ key: String) throws -> Int {
            guard let k = column(columns[key]!) else {
                let how = isPlain ? "; name the columns with --columns x=NAME,y=NAME,frame=NAME" : ""
                throw FileFormatError(path, "no column '\(columns[key]!)' in the header (\(shown))\(how)")
            }
            return k
        }
        let frameColumn = try required("frame")
        let x = try required("x"), y = try required("y")
        frameIndex = frameColumn
        coordinateIndex = [x, y] + (column(columns["z"]!).map { [$0] } ?? [])
        guard rowCount > 0 else { throw FileFormatError(path, "no rows after the header") }
    }

    // MARK: lines and fields

    /// Offset of the line break ending the line that starts at `from` (or `to`).
    static func lineEnd(_ bytes: UnsafeBufferPointer<UInt8>, from: Int, to: Int) -> Int {
        guard from < to else { return to }
        guard let p = memchr(bytes.baseAddress! + from, 10, to - from) else { return to }
        return bytes.baseAddress!.distance(to: p.assumingMemoryBound(to: UInt8.self))
    }

    /// The fields of the line in `line` (without its line break): each field's raw byte range and
    /// its content (inside quotes, if quoted).
    static func fields(_ bytes: UnsafeBufferPointer<UInt8>, _ line: Range<Int>, delimiter: UInt8) -> [(raw: Range<Int>, content: Range<Int>)] {
        var end = line.upperBound
        if end > line.lowerBound, bytes[end - 1] == 13 { end -= 1 }
        var out: [(Range<Int>, Range<Int>)] = []
        var at = line.lowerBound
        while true {
            let start = at
            if at < end, bytes[at] == UInt8(ascii: "\"") {
                at += 1
                while at < end {
                    if bytes[at] == UInt8(ascii: "\"") {
                        if at + 1 < end, bytes[at + 1] == UInt8(ascii: "\"") { at += 2; continue }
                        break
                    }
                    at += 1
                }
                let content = (start + 1)..<min(at, end)
                at = min(at + 1, end)
                while at < end, bytes[at] != delimiter { at += 1 }
                out.append((start..<at, content))
            } else {
                while at < end, bytes[at] != delimiter { at += 1 }
                out.append((start..<at, start..<at))
            }
            if at >= end { break }
            at += 1
        }
        return out
    }

    /// Calls `body` with each line of rows `rows`: the row number and its byte range (line break excluded).
    func forEachLine(rows: Range<Int>, _ body: (UnsafeBufferPointer<UInt8>, Int, Range<Int>) throws -> Void) throws {
        guard !rows.isEmpty else { return }
        precondition(rows.lowerBound >= 0 && rows.upperBound <= rowCount)
        try data.withUnsafeBytes { raw in
            let bytes = raw.bindMemory(to: UInt8.self)
            var at = lineIndex[rows.lowerBound / Self.indexStride]
            for _ in 0..<(rows.lowerBound % Self.indexStride) { at = Self.lineEnd(bytes, from: at, to: dataEnd) + 1 }
            for row in rows {
                let end = Self.lineEnd(bytes, from: at, to: dataEnd)
                try body(bytes, row, at..<end)
                at = end + 1
            }
        }
    }

    /// The number in `range`, or an error naming the line and column.
    func number(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, row: Int, column: Int, buffer: inout [CChar]) throws -> Double {
        var lo = range.lowerBound, hi = range.upperBound
        while lo < hi, bytes[lo] == 32 || bytes[lo] == 9 { lo += 1 }
        while hi > lo, bytes[hi - 1] == 32 || bytes[hi - 1] == 9 { hi -= 1 }
        let n = hi - lo
        if n > 0 && n < buffer.count {
            for k in 0..<n { buffer[k] = CChar(bitPattern: bytes[lo + k]) }
            buffer[n] = 0
            var endPointer: UnsafeMutablePointer<CChar>?
            let value = buffer.withUnsafeMutableBufferPointer { b -> Double in
                let v = strtod(b.baseAddress!, &endPointer)
                return endPointer == b.baseAddress! + n ? v : .nan
            }
            if !value.isNaN || (n == 3 && String(decoding: UnsafeBufferPointer(rebasing: bytes[lo..<hi]), as: UTF8.self).lowercased() == "nan") {
                return value
            }
        }
        let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[range]), as: UTF8.self)
        throw FileFormatError(path, "line \(row + 2), column '\(header[column])': '\(text.prefix(40))' is not a number")
    }

    /// The frame in a row's fields: a whole number.
    func frame(_ bytes: UnsafeBufferPointer<UInt8>, _ fields: [(raw: Range<Int>, content: Range<Int>)], row: Int, buffer: inout [CChar]) throws -> Int64 {
        let v = try number(bytes, fields[frameIndex].content, row: row, column: frameIndex, buffer: &buffer)
        guard v == v.rounded(), abs(v) < 1e15 else {
            throw FileFormatError(path, "line \(row + 2), column '\(header[frameIndex])': frame \(v) is not a whole number")
        }
        return Int64(v)
    }

    /// The fields of row `row`'s line, checked to be as many as the header's (a cut line is an error).
    func rowFields(_ bytes: UnsafeBufferPointer<UInt8>, _ row: Int, _ line: Range<Int>, needed: Int) throws -> [(raw: Range<Int>, content: Range<Int>)] {
        let f = Self.fields(bytes, line, delimiter: delimiter)
        guard f.count == header.count, f.count > needed else {
            throw FileFormatError(path, line.isEmpty ? "line \(row + 2) is empty" : "line \(row + 2) has \(f.count) fields; the header has \(header.count)")
        }
        return f
    }

    // MARK: LocalisationTable

    public func frames(rows: Range<Int>) throws -> [Int64] {
        var out: [Int64] = []
        out.reserveCapacity(rows.count)
        var buffer = [CChar](repeating: 0, count: 128)
        try forEachLine(rows: rows) { bytes, row, line in
            let f = try rowFields(bytes, row, line, needed: frameIndex)
            out.append(try frame(bytes, f, row: row, buffer: &buffer))
        }
        return out
    }

    public func read(rows: Range<Int>, threeD: Bool) throws -> Localisations {
        var frames: [Int64] = [], x: [Float] = [], y: [Float] = []
        var z: [Float]? = threeD && hasZ ? [] : nil
        let needed = ([frameIndex] + coordinateIndex).max()!
        let scale = nmPerUnitXY
        var buffer = [CChar](repeating: 0, count: 128)
        try forEachLine(rows: rows) { bytes, row, line in
            let f = try rowFields(bytes, row, line, needed: needed)
            frames.append(try frame(bytes, f, row: row, buffer: &buffer))
            x.append(Float(try number(bytes, f[coordinateIndex[0]].content, row: row, column: coordinateIndex[0], buffer: &buffer) * scale))
            y.append(Float(try number(bytes, f[coordinateIndex[1]].content, row: row, column: coordinateIndex[1], buffer: &buffer) * scale))
            if z != nil { z!.append(Float(try number(bytes, f[coordinateIndex[2]].content, row: row, column: coordinateIndex[2], buffer: &buffer))) }
        }
        try checkFinite(x, y, z, firstRow: rows.lowerBound)
        return Localisations(frame: try engineFrames(frames, firstRow: rows.lowerBound), x: x, y: y, z: z)
    }

    // MARK: corrected copies

    /// The header line as the file has it, with its line break.
    public func headerBytes() -> [UInt8] {
        data.withUnsafeBytes { raw in Array(raw[0..<lineIndex[0]]) }
    }

    /// Lines of rows `rows` with the drift (nm, at each row's frame) subtracted from x and y (and z
    /// with `correctZ`), every other field byte for byte as in the input. A corrected value keeps the
    /// input's decimals, at least 3 in nm (5 in pixels); each line ends with `\n` (`\r\n` if the input's did).
    public func correctedLines(rows: Range<Int>, correctZ: Bool, drift: ([Int]) throws -> [SIMD3<Double>]) throws -> [UInt8] {
        let frames = try self.frames(rows: rows).map { Int($0) }
        guard !frames.isEmpty else { return [] }
        let rowDrift = try CorrectedRecords.drift(atRowFrames: frames, drift)
        let columns = Array(coordinateIndex.prefix(correctZ ? 3 : 2))
        let needed = columns.max()!
        var out: [UInt8] = []
        out.reserveCapacity(dataEnd / max(rowCount, 1) * rows.count * 11 / 10)
        var buffer = [CChar](repeating: 0, count: 128)
        try forEachLine(rows: rows) { bytes, row, line in
            let f = try rowFields(bytes, row, line, needed: needed)
            let d = rowDrift[row - rows.lowerBound]
            var at = line.lowerBound
            for (axis, c) in columns.enumerated().sorted(by: { $0.element < $1.element }) {
                let cell = f[c]
                out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[at..<cell.content.lowerBound]))
                let v = try number(bytes, cell.content, row: row, column: c, buffer: &buffer)
                let unit = axis < 2 ? nmPerUnitXY : 1
                out.append(contentsOf: Self.format(v - d[axis] / unit, like: bytes, cell.content, minDecimals: unit == 1 ? 3 : 5).utf8)
                at = cell.content.upperBound
            }
            out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[at..<line.upperBound]))
            out.append(10)
        }
        return out
    }

    /// `value` written like the input cell: scientific when it was, else with its decimals (at least `minDecimals`).
    static func format(_ value: Double, like bytes: UnsafeBufferPointer<UInt8>, _ cell: Range<Int>, minDecimals: Int) -> String {
        let text = bytes[cell]
        if text.contains(UInt8(ascii: "e")) || text.contains(UInt8(ascii: "E")) { return String(format: "%.9g", value) }
        var decimals = 0
        if let dot = text.firstIndex(of: UInt8(ascii: ".")) {
            decimals = text[(dot + 1)...].prefix { $0 >= 48 && $0 <= 57 }.count
        }
        return String(format: "%.\(max(decimals, minDecimals))f", value)
    }
}
