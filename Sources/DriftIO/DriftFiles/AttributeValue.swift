import Foundation

/// A value stored as a root attribute of a result file.
public enum AttributeValue: Equatable, Sendable, CustomStringConvertible {
    case string(String)
    case double(Double)
    case int(Int64)

    public var description: String {
        switch self {
        case .string(let s): return s
        case .double(let d): return String(d)
        case .int(let i): return String(i)
        }
    }
}
