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

    /// Reads the truth back: frames and drift (nm). The bytes are parsed in place, each number by
    /// strtol or strtod where it stands (the program never sets a locale, so the decimal point is
    /// '.'): a truth of 100,000 frames took 2.87 G instructions as Swift strings split by line and by
    /// field (0.23 s of CPU, on one rank, inside `--truth` runs). Lines may end in CRLF; blank lines
    /// are skipped.
    public static func read(path: String) throws -> (frames: [Int], drift: [SIMD3<Double>]) {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw FileFormatError(path, "cannot read the file")
        }
        // The text and a NUL after it, so that no number is read past the end.
        var text = [CChar](repeating: 0, count: data.count + 1)
        text.withUnsafeMutableBytes { out in data.withUnsafeBytes { out.copyMemory(from: $0) } }
        var frames: [Int] = [], drift: [SIMD3<Double>] = []
        frames.reserveCapacity(data.count / 32)
        drift.reserveCapacity(data.count / 32)
        try text.withUnsafeBufferPointer { chars in
            let count = chars.count - 1
            var start = 0, line = 0
            while start < count {
                let end = firstIndex(of: 0x0A, in: chars, start..<count)
                line += 1
                let content = start..<(end > start && chars[end - 1] == 0x0D ? end - 1 : end)
                start = end + 1
                guard line > 1, !content.isEmpty else { continue }
                guard let row = fields(chars, content) else {
                    throw FileFormatError(path, "line \(line) is not frame,dx_nm,dy_nm,dz_nm")
                }
                frames.append(row.frame)
                drift.append(row.drift)
            }
        }
        guard !frames.isEmpty else { throw FileFormatError(path, "no rows after the header") }
        return (frames, drift)
    }

    /// The integer frame and three numbers of one line (`chars[line]`, no line end; a NUL follows the
    /// text), nil unless the line is exactly four comma-separated fields of those kinds, none empty or
    /// starting with white space (a frame beyond Int is refused).
    private static func fields(_ chars: UnsafeBufferPointer<CChar>, _ line: Range<Int>) -> (frame: Int, drift: SIMD3<Double>)? {
        let base = UnsafeMutablePointer(mutating: chars.baseAddress!)
        var values = SIMD4<Double>(), frame = 0, k = 0, from = line.lowerBound
        while from <= line.upperBound {
            let to = firstIndex(of: 0x2C, in: chars, from..<line.upperBound)
            // A field starts with a sign, a digit, a point or a letter (nan, inf); strtod and strtol
            // would skip white space, and a number never runs into a comma or a line end.
            guard k < 4, to > from, isspace(Int32(UInt8(bitPattern: chars[from]))) == 0 else { return nil }
            var stop: UnsafeMutablePointer<CChar>?
            if k == 0 {
                errno = 0
                frame = strtol(base + from, &stop, 10)
                if errno == ERANGE { return nil }
            } else {
                values[k] = strtod(base + from, &stop)
            }
            guard stop == base + to else { return nil }
            k += 1
            from = to + 1
        }
        guard k == 4 else { return nil }
        return (frame, SIMD3(values[1], values[2], values[3]))
    }

    /// The index of the first `byte` in `chars[range]` (memchr), or `range.upperBound` where none is.
    private static func firstIndex(of byte: Int32, in chars: UnsafeBufferPointer<CChar>, _ range: Range<Int>) -> Int {
        guard let found = memchr(chars.baseAddress! + range.lowerBound, byte, range.count) else { return range.upperBound }
        return UnsafePointer(found.assumingMemoryBound(to: CChar.self)) - chars.baseAddress!
    }
}
