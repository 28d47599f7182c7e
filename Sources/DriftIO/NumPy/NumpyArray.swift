import CZip
import Foundation

/// A numeric NumPy array: its shape and its elements converted to Double, in C (row-major) order.
public struct NumpyArray: Equatable, Sendable {
    /// Extent of each dimension; empty for a 0-dimensional (scalar) array.
    public var shape: [Int]
    /// shape.reduce(1, *) elements, the last index varying fastest.
    public var values: [Double]

    public init(shape: [Int], values: [Double]) {
        self.shape = shape
        self.values = values
    }

    /// Element types that can be read: kind (f, i, u, b) and size in bytes.
    static let supported: Set<String> = ["f4", "f8", "i1", "i2", "i4", "i8", "u1", "u2", "u4", "u8", "b1"]

    /// Parses a whole `.npy` file held in `bytes` (format versions 1, 2 and 3).
    ///
    /// The header is a Python dict literal with 'descr' (a dtype string such as '<f8'), 'fortran_order'
    /// and 'shape' (a tuple, Python 2's `30L` accepted). Little- and big-endian f4, f8, i1 to i8, u1 to
    /// u8 and b1 are read; Fortran order only for arrays of at most one dimension (where it is the same
    /// layout). Errors name `path` (and `member` within an archive) and the problem.
    public static func parse(npy bytes: [UInt8], path: String, member: String? = nil) throws -> NumpyArray {
        let what = member.map { "member '\($0)'" } ?? "the .npy data"
        func fail(_ problem: String) -> FileFormatError { FileFormatError(path, "\(what) \(problem)") }

        let magic: [UInt8] = [0x93] + Array("NUMPY".utf8)
        guard bytes.count >= 10, Array(bytes[0..<6]) == magic else {
            throw fail("is not a NumPy .npy array (no \\x93NUMPY magic)")
        }
        let major = bytes[6], minor = bytes[7]
        let headerStart: Int, headerLength: Int
        switch major {
        case 1:
            headerStart = 10
            headerLength = Int(bytes[8]) | Int(bytes[9]) << 8
        case 2, 3:
            guard bytes.count >= 12 else { throw fail("is truncated (in the .npy header)") }
            headerStart = 12
            headerLength = (0..<4).reduce(0) { $0 | Int(bytes[8 + $1]) << (8 * $1) }
        default:
            throw fail("has .npy format version \(major).\(minor); versions 1, 2 and 3 are read")
        }
        guard headerStart + headerLength <= bytes.count else { throw fail("is truncated (in the .npy header)") }
        let headerBytes = bytes[headerStart..<(headerStart + headerLength)]
        let header = major == 3 ? String(decoding: headerBytes, as: UTF8.self)
                                : String(headerBytes.map { Character(Unicode.Scalar($0)) })
        guard case .dict(let dict)? = try? PythonLiteral.parse(header) else {
            throw fail("has an .npy header that is not a Python dict: \(header.trimmingCharacters(in: .whitespacesAndNewlines))")
        }
        guard let descrValue = dict["descr"], let orderValue = dict["fortran_order"], let shapeValue = dict["shape"] else {
            throw fail("has an .npy header without 'descr', 'fortran_order' and 'shape'")
        }
        guard case .string(let descr) = descrValue else {
            throw fail("has a structured dtype (\(descrValue)), not numeric")
        }
        guard case .bool(let fortran) = orderValue else { throw fail("has an .npy header whose 'fortran_order' is not True or False") }
        guard case .tuple(let dims) = shapeValue else { throw fail("has an .npy header whose 'shape' is not a tuple") }
        var shape: [Int] = []
        for d in dims {
            guard case .int(let n) = d, n >= 0 else { throw fail("has an .npy header whose 'shape' is not a tuple of sizes") }
            shape.append(n)
        }

        // dtype: byte order, kind, size.
        var chars = Substring(descr)
        var bigEndian = false
        if let first = chars.first, "<>|=".contains(first) {
            bigEndian = first == ">"
            chars = chars.dropFirst()
        }
        guard let kind = chars.first, let size = Int(chars.dropFirst()) else { throw fail("has dtype '\(descr)', not numeric") }
        guard "fiubc".contains(kind) else { throw fail("has dtype '\(descr)', not numeric") }
        guard supported.contains("\(kind)\(size)") else {
            throw fail("has dtype '\(descr)', which is not read (f4 f8 i1 i2 i4 i8 u1 u2 u4 u8 b1, either byte order)")
        }
        guard !fortran || shape.count <= 1 else {
            throw fail("is stored in Fortran order (shape \(shape)); save it in C order (numpy.ascontiguousarray)")
        }

        var count = 1
        for d in shape {
            let (p, overflow) = count.multipliedReportingOverflow(by: d)
            guard !overflow else { throw fail("has an impossible shape \(shape)") }
            count = p
        }
        let dataStart = headerStart + headerLength
        let available = bytes.count - dataStart
        // A shape whose bytes cannot even be counted is no array this file could hold.
        let (expected, tooLarge) = count.multipliedReportingOverflow(by: size)
        guard !tooLarge else { throw fail("has an impossible shape \(shape) for '\(descr)'") }
        guard available / size >= count else {
            throw fail("is truncated: \(available) bytes of data for shape \(shape) of '\(descr)' (\(expected) expected)")
        }

        var values = [Double](repeating: 0, count: count)
        bytes.withUnsafeBytes { raw in
            let data = UnsafeRawBufferPointer(rebasing: raw[dataStart..<(dataStart + count * size)])
            func convert<T: FixedWidthInteger>(_: T.Type, _ toDouble: (T) -> Double) {
                for k in 0..<count {
                    let v = data.loadUnaligned(fromByteOffset: k * size, as: T.self)
                    values[k] = toDouble(bigEndian ? T(bigEndian: v) : T(littleEndian: v))
                }
            }
            switch (kind, size) {
            case ("f", 4): convert(UInt32.self) { Double(Float(bitPattern: $0)) }
            case ("f", 8): convert(UInt64.self) { Double(bitPattern: $0) }
            case ("i", 1): convert(Int8.self) { Double($0) }
            case ("i", 2): convert(Int16.self) { Double($0) }
            case ("i", 4): convert(Int32.self) { Double($0) }
            case ("i", 8): convert(Int64.self) { Double($0) }
            case ("u", 1), ("b", 1): convert(UInt8.self) { Double($0) }
            case ("u", 2): convert(UInt16.self) { Double($0) }
            case ("u", 4): convert(UInt32.self) { Double($0) }
            default: convert(UInt64.self) { Double($0) }  // u8
            }
        }
        return NumpyArray(shape: shape, values: values)
    }

    /// Reads a standalone `.npy` file.
    public static func read(npyPath path: String) throws -> NumpyArray {
        guard FileManager.default.fileExists(atPath: path) else { throw FileFormatError(path, "no such file") }
        guard let data = FileManager.default.contents(atPath: path) else { throw FileFormatError(path, "cannot read the file") }
        return try parse(npy: [UInt8](data), path: path)
    }
}
