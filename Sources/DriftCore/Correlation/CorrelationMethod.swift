/// How segments are paired for correlation.
public enum CorrelationMethod: String, Sendable, CaseIterable {
    /// Redundant cross-correlation: each segment with the following ones within a window (or all).
    case rcc
    /// Mean cross-correlation: each segment with the sum of all the others.
    case mcc
    /// Direct cross-correlation: each segment with the next one only.
    case dcc
}
