/// How much the refinement's correction spline through its short segments is smoothed: chosen from
/// the data by generalised cross-validation (`SmoothingSelection`), or a fixed dimensionless value
/// (`SmoothingSpline`; 0 interpolates).
public enum RefinementSmoothing: Equatable, Sendable, CustomStringConvertible {
    case automatic
    case fixed(Double)

    /// `auto`, or a finite number >= 0.
    public init?(text: String) {
        if text == "auto" { self = .automatic; return }
        guard let v = Double(text), v >= 0, v.isFinite else { return nil }
        self = .fixed(v)
    }

    public var description: String {
        switch self {
        case .automatic: return "auto"
        case .fixed(let v): return String(v)
        }
    }
}
