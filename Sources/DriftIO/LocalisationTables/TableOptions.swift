import DriftCore
import Foundation

/// How to read a table whose file does not say everything (plain CSV): which columns hold x, y, z
/// and the frame, their unit, and the number of the first frame.
public struct TableOptions: Sendable, Equatable {
    /// Column names for `x`, `y`, `z` and `frame` (keys), overriding the format's own names.
    public var columns: [String: String] = [:]
    /// Unit of x and y in a CSV: nm, or camera pixels of `pixelSizeNm`.
    public var unitsArePixels: Bool = false
    /// Camera pixel size, nm (CSV in pixels).
    public var pixelSizeNm: Double?
    /// Number of the acquisition's first frame in a plain CSV (0 or 1); nil: 0.
    public var frameBase: Int?

    public init() {}

    /// Parses `x=COL,y=COL,z=COL,frame=COL`.
    public static func parseColumns(_ text: String) throws -> [String: String] {
        var out: [String: String] = [:]
        for item in text.split(separator: ",") {
            let kv = item.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard kv.count == 2, ["x", "y", "z", "frame"].contains(kv[0]), !kv[1].isEmpty else {
                throw OptionError("'\(item)' is not x=NAME, y=NAME, z=NAME or frame=NAME")
            }
            out[kv[0]] = kv[1]
        }
        return out
    }
}
