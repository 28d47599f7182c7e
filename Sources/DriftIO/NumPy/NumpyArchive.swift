import CZip
import Foundation

/// A NumPy `.npz` archive (as `numpy.savez` and `numpy.savez_compressed` write it): a zip file whose
/// members `NAME.npy` are arrays. Read through libzip, members stored or deflated; the CRC of every
/// member read is checked.
public final class NumpyArchive {
    public let path: String
    /// The members' names as stored, e.g. "drift.npy".
    public let memberNames: [String]
    private let archive: OpaquePointer

    /// Opens the archive (nothing is decompressed yet).
    public init(path: String) throws {
        self.path = path
        guard FileManager.default.fileExists(atPath: path) else { throw FileFormatError(path, "no such file") }
        var code: Int32 = 0
        guard let za = zip_open(path, ZIP_RDONLY, &code) else {
            switch code {
            case ZIP_ER_NOZIP: throw FileFormatError(path, "not a zip archive (.npz), or truncated")
            case ZIP_ER_INCONS: throw FileFormatError(path, "damaged or truncated zip archive (.npz)")
            default: throw FileFormatError(path, "cannot open the .npz archive (\(Self.message(code)))")
            }
        }
        archive = za
        let n = zip_get_num_entries(za, 0)
        memberNames = (0..<max(n, 0)).compactMap { k in zip_get_name(za, zip_uint64_t(k), 0).map { String(cString: $0) } }
    }

    deinit { zip_discard(archive) }

    static func message(_ code: Int32) -> String {
        var error = zip_error_t()
        zip_error_init_with_code(&error, code)
        defer { zip_error_fini(&error) }
        return String(cString: zip_error_strerror(&error))
    }

    /// The stored member name for an array `name` ("drift" or "drift.npy"), nil if there is none.
    public func memberName(_ name: String) -> String? {
        if memberNames.contains(name) { return name }
        if memberNames.contains(name + ".npy") { return name + ".npy" }
        return nil
    }

    /// The names of the arrays (members without their ".npy").
    public var arrayNames: [String] {
        memberNames.map { $0.hasSuffix(".npy") ? String($0.dropLast(4)) : $0 }
    }

    /// Whether the archive holds array `name` ("drift" or "drift.npy").
    public func contains(_ name: String) -> Bool { memberName(name) != nil }

    /// The decompressed bytes of a member.
    public func bytes(ofMember member: String) throws -> [UInt8] {
        let index = zip_name_locate(archive, member, 0)
        guard index >= 0 else { throw FileFormatError(path, "no member '\(member)'") }
        var stat = zip_stat_t()
        zip_stat_init(&stat)
        guard zip_stat_index(archive, zip_uint64_t(index), 0, &stat) == 0, stat.valid & zip_uint64_t(ZIP_STAT_SIZE) != 0 else {
            throw FileFormatError(path, "member '\(member)' cannot be read (\(String(cString: zip_error_strerror(zip_get_error(archive)))))")
        }
        guard let file = zip_fopen_index(archive, zip_uint64_t(index), 0) else {
            throw FileFormatError(path, "member '\(member)' cannot be read (\(String(cString: zip_error_strerror(zip_get_error(archive)))))")
        }
        defer { zip_fclose(file) }
        // The size is the archive's claim: memory grows with the bytes actually read, 1 MiB at a time,
        // so a damaged size field cannot make us allocate gigabytes up front (found by Tests/Fuzz/FuzzNPZ.swift).
        guard stat.size <= zip_uint64_t(Int.max / 2) else { throw FileFormatError(path, "member '\(member)' claims an impossible size") }
        let size = Int(stat.size)
        var out: [UInt8] = []
        var done = 0
        while done < size {
            if out.count == done { out += [UInt8](repeating: 0, count: min(size - done, 1 << 20)) }
            let room = out.count - done
            let got = out.withUnsafeMutableBytes { zip_fread(file, $0.baseAddress! + done, zip_uint64_t(room)) }
            if got < 0 {
                throw FileFormatError(path, "member '\(member)' cannot be read (\(String(cString: zip_error_strerror(zip_file_get_error(file))))); damaged archive?")
            }
            if got == 0 { break }
            done += Int(got)
        }
        guard done == size else { throw FileFormatError(path, "member '\(member)' is truncated (\(done) of \(size) bytes)") }
        // Reading on to the end makes libzip check the member's CRC.
        var probe: UInt8 = 0
        if zip_fread(file, &probe, 1) < 0 {
            throw FileFormatError(path, "member '\(member)' cannot be read (\(String(cString: zip_error_strerror(zip_file_get_error(file))))); damaged archive?")
        }
        return out
    }

    /// Array `name` ("drift" or "drift.npy").
    public func array(_ name: String) throws -> NumpyArray {
        guard let member = memberName(name) else {
            let held = arrayNames.map { "'\($0)'" }.joined(separator: ", ")
            throw FileFormatError(path, "no array '\(name)' (the archive holds \(held.isEmpty ? "nothing" : held))")
        }
        return try NumpyArray.parse(npy: bytes(ofMember: member), path: path, member: member)
    }

    /// Every array of the archive at `path`, by name (without ".npy").
    public static func read(path: String) throws -> [String: NumpyArray] {
        let archive = try NumpyArchive(path: path)
        var out: [String: NumpyArray] = [:]
        for (member, name) in zip(archive.memberNames, archive.arrayNames) {
            out[name] = try NumpyArray.parse(npy: archive.bytes(ofMember: member), path: path, member: member)
        }
        return out
    }
}

/// The Python literals of a `.npy` header: strings, True/False/None, integers (with Python 2's L),
/// tuples, lists and dicts with string keys.
indirect enum PythonLiteral: Equatable, CustomStringConvertible {
    case string(String)
    case bool(Bool)
    case none
    case int(Int)
    case tuple([PythonLiteral])
    case list([PythonLiteral])
    case dict([String: PythonLiteral])

    struct SyntaxError: Error {}

    var description: String {
        switch self {
        case .string(let s): return "'\(s)'"
        case .bool(let b): return b ? "True" : "False"
        case .none: return "None"
        case .int(let i): return String(i)
        case .tuple(let v): return "(" + v.map(\.description).joined(separator: ", ") + (v.count == 1 ? ",)" : ")")
        case .list(let v): return "[" + v.map(\.description).joined(separator: ", ") + "]"
        case .dict(let d): return "{" + d.keys.sorted().map { "'\($0)': \(d[$0]!)" }.joined(separator: ", ") + "}"
        }
    }

    static func parse(_ text: String) throws -> PythonLiteral {
        var p = Parser(chars: Array(text.unicodeScalars))
        let v = try p.value()
        p.skipSpace()
        guard p.at == p.chars.count else { throw SyntaxError() }
        return v
    }

    struct Parser {
        let chars: [Unicode.Scalar]
        var at = 0
        /// Nesting of the value being parsed; deeper than `maximumDepth` is a syntax error (a header of
        /// thousands of `(` overflowed the stack; found by Tests/Fuzz/FuzzNPY.swift).
        var depth = 0
        static let maximumDepth = 32

        mutating func skipSpace() {
            while at < chars.count, chars[at].properties.isWhitespace { at += 1 }
        }

        mutating func value() throws -> PythonLiteral {
            depth += 1
            defer { depth -= 1 }
            guard depth <= Self.maximumDepth else { throw SyntaxError() }
            skipSpace()
            guard at < chars.count else { throw SyntaxError() }
            let c = chars[at]
            switch c {
            case "'", "\"": return .string(try string())
            case "(":
                at += 1
                return .tuple(try sequence(until: ")"))
            case "[":
                at += 1
                return .list(try sequence(until: "]"))
            case "{":
                at += 1
                var d: [String: PythonLiteral] = [:]
                while true {
                    skipSpace()
                    guard at < chars.count else { throw SyntaxError() }
                    if chars[at] == "}" { at += 1; return .dict(d) }
                    guard case .string(let key) = try value() else { throw SyntaxError() }
                    skipSpace()
                    guard at < chars.count, chars[at] == ":" else { throw SyntaxError() }
                    at += 1
                    d[key] = try value()
                    skipSpace()
                    guard at < chars.count else { throw SyntaxError() }
                    if chars[at] == "," { at += 1 } else if chars[at] != "}" { throw SyntaxError() }
                }
            default:
                var word = ""
                while at < chars.count, chars[at].properties.isAlphabetic || ("0"..."9").contains(chars[at]) || chars[at] == "-" || chars[at] == "+" {
                    word.unicodeScalars.append(chars[at])
                    at += 1
                }
                switch word {
                case "True": return .bool(true)
                case "False": return .bool(false)
                case "None": return .none
                default:
                    let digits = word.hasSuffix("L") || word.hasSuffix("l") ? String(word.dropLast()) : word
                    guard let i = Int(digits) else { throw SyntaxError() }
                    return .int(i)
                }
            }
        }

        mutating func sequence(until close: Unicode.Scalar) throws -> [PythonLiteral] {
            var items: [PythonLiteral] = []
            while true {
                skipSpace()
                guard at < chars.count else { throw SyntaxError() }
                if chars[at] == close { at += 1; return items }
                items.append(try value())
                skipSpace()
                guard at < chars.count else { throw SyntaxError() }
                if chars[at] == "," { at += 1 } else if chars[at] != close { throw SyntaxError() }
            }
        }

        mutating func string() throws -> String {
            let quote = chars[at]
            at += 1
            var s = ""
            while at < chars.count, chars[at] != quote {
                if chars[at] == "\\", at + 1 < chars.count { at += 1 }
                s.unicodeScalars.append(chars[at])
                at += 1
            }
            guard at < chars.count else { throw SyntaxError() }
            at += 1
            return s
        }
    }
}
