import CLAPACK

/// Errors of the least-squares solve.
public enum DriftSolverError: Error, Equatable, CustomStringConvertible {
    /// Some segments are not linked to the first by any usable pair.
    case unconnected(segments: [Int])
    /// LAPACK reported a failure (its info code).
    case lapack(info: Int)

    public var description: String {
        switch self {
        case .unconnected(let s):
            let shown = s.prefix(10).map(String.init).joined(separator: ", ")
            return "segments \(shown)\(s.count > 10 ? ", ..." : "") are not linked to the others by any correlated pair; use longer segments or a larger --window"
        case .lapack(let info):
            return "the least-squares system could not be solved (LAPACK info \(info))"
        }
    }
}
