import Foundation

/// A clip bound: a pixel value, or a percentile of each plane's values.
public enum ClipBound: Equatable, Sendable {
    case value(Double)
    case percentile(Double)

    /// Parses `120` (a value) or `p99.5` / `99.5%` (a percentile, 0 to 100).
    public init?(_ text: String) {
        var t = text.trimmingCharacters(in: .whitespaces)
        let isPercentile = t.hasPrefix("p") || t.hasSuffix("%")
        if t.hasPrefix("p") { t.removeFirst() }
        if t.hasSuffix("%") { t.removeLast() }
        guard let v = Double(t), v.isFinite else { return nil }
        if isPercentile {
            guard v >= 0, v <= 100 else { return nil }
            self = .percentile(v)
        } else {
            self = .value(v)
        }
    }
}
