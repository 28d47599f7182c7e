import Foundation

/// The simulator's true drift as CSV: header `frame,dx_nm,dy_nm,dz_nm`, one row per frame.
public enum TruthCSV {
    public static func text(drift: [SIMD3<Double>], firstFrame: Int = 0) -> String {
        var s = "frame,dx_nm,dy_nm,dz_nm\n"
        s.reserveCapacity(drift.count * 40)
        for (k, d) in drift.enumerated() {
            s += "\(firstFrame + k),\(format(d.x)),\(format(d.y)),\(format(d.z))\n"
        }
        return s
    }

    static func format(_ v: Double) -> String { String(format: "%.4f", v) }

    /// Reads the truth back: frames and drift (nm). The bytes are parsed in place (strtol, strtod; the
    /// program never sets a locale, so the decimal point is '.'): a truth of 100,000 frames takes about
    /// 0.28 G instructions (as Swift strings, split by line and by field, 2.87 G: 0.23 s of CPU, on
    /// one rank, inside `--truth` runs). Lines may end in CRLF; blank lines are skipped.
    public static func read(path: String) throws -> (frames: [Int], drift: [SIMD3<Double>]) {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw FileFormatError(path, "cannot read the file")
        }
        var frames: [Int] = [], drift: [SIMD3<Double>] = []
        frames.reserveCapacity(data.count / 32)
        drift.reserveCapacity(data.count / 32)
        var field = [CChar](repeating: 0, count: 64)
        try data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) in
            let bytes = raw.bindMemory(to: UInt8.self)
            var start = 0, line = 0
            while start < bytes.count {
                var end = start
                while end < bytes.count && bytes[end] != UInt8(ascii: "\n") { end += 1 }
                line += 1
                let content = start..<(end > start && bytes[end - 1] == UInt8(ascii: "\r") ? end - 1 : end)
                start = end + 1
                guard line > 1, !content.isEmpty else { continue }
                guard let row = fields(bytes, content, buffer: &field) else {
                    throw FileFormatError(path, "line \(line) is not frame,dx_nm,dy_nm,dz_nm")
                }
                frames.append(row.frame)
                drift.append(row.drift)
            }
        }
        guard !frames.isEmpty else { throw FileFormatError(path, "no rows after the header") }
        return (frames, drift)
    }

    /// The integer frame and three numbers of one line (`bytes[line]`, no line end), nil unless the
    /// line is exactly four comma-separated fields of those kinds, each under `buffer.count` bytes and
    /// not starting with a space or tab (a frame beyond Int is refused). `buffer`: scratch for a field.
    private static func fields(_ bytes: UnsafeBufferPointer<UInt8>, _ line: Range<Int>,
                               buffer: inout [CChar]) -> (frame: Int, drift: SIMD3<Double>)? {
        var values = SIMD4<Double>(), frame = 0, k = 0, from = line.lowerBound
        while from <= line.upperBound {
            var to = from
            while to < line.upperBound && bytes[to] != UInt8(ascii: ",") { to += 1 }
            let n = to - from
            guard k < 4, n > 0, n < buffer.count else { return nil }
            let parsed: Bool = buffer.withUnsafeMutableBufferPointer { b in
                for i in 0..<n { b[i] = CChar(bitPattern: bytes[from + i]) }
                b[n] = 0
                var stop: UnsafeMutablePointer<CChar>?
                if k == 0 {
                    errno = 0
                    frame = strtol(b.baseAddress!, &stop, 10)
                    if errno == ERANGE { return false }
                } else {
                    values[k] = strtod(b.baseAddress!, &stop)
                }
                // The whole field is the number (strtod takes leading blanks; a field is not blank).
                return stop == b.baseAddress! + n && !(b[0] == 0x20 || b[0] == 0x09)
            }
            guard parsed else { return nil }
            k += 1
            from = to + 1
        }
        guard k == 4 else { return nil }
        return (frame, SIMD3(values[1], values[2], values[3]))
    }
}
