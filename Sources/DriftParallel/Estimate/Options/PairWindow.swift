/// Which partners RCC correlates each segment with (`--window`): the next K segments, or all.
public enum PairWindow: Equatable, Sendable {
    case next(Int)
    case all

    /// `--window` as typed: a whole number >= 1, or `all`; nil otherwise.
    public init?(_ text: String) {
        if text == "all" { self = .all; return }
        guard let k = Int(text), k >= 1 else { return nil }
        self = .next(k)
    }

    /// Partners per segment for `PairSchedule`; nil: all pairs.
    public var partners: Int? {
        switch self {
        case .next(let k): return k
        case .all: return nil
        }
    }

    /// As typed and as results record it: K, or `all`.
    public var text: String { partners.map(String.init) ?? "all" }
}
