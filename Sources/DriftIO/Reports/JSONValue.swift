import DriftCore
import Foundation

/// A JSON value, written with sorted keys. Numbers stay numbers; NaN and infinities (unknown, no
/// limit) are written as `null`, which JSON has in their place.
public enum JSONValue: Encodable, Equatable, Sendable {
    case null
    case bool(Bool)
    case int(Int64)
    case double(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    public static func number(_ d: Double) -> JSONValue { d.isFinite ? .double(d) : .null }
    public static func number(_ i: Int) -> JSONValue { .int(Int64(i)) }
    public static func numbers(_ v: SIMD3<Double>) -> JSONValue { .array([number(v.x), number(v.y), number(v.z)]) }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        switch self {
        case .null: try c.encodeNil()
        case .bool(let b): try c.encode(b)
        case .int(let i): try c.encode(i)
        case .double(let d): if d.isFinite { try c.encode(d) } else { try c.encodeNil() }
        case .string(let s): try c.encode(s)
        case .array(let a): try c.encode(a)
        case .object(let o): try c.encode(o)
        }
    }

    /// The value as JSON text: indented, keys sorted, no trailing newline.
    public var text: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        // Every case encodes; an error here would be a bug in `encode(to:)`.
        guard let data = try? encoder.encode(self) else { return "null" }
        return String(decoding: data, as: UTF8.self)
    }

    /// The value of `key` when this is an object.
    public subscript(key: String) -> JSONValue? {
        if case .object(let o) = self { return o[key] }
        return nil
    }
}
