/// Which pairs of segments are correlated. Pairs (i, j) with i < j; for MCC each segment i is paired
/// with a virtual node `segmentCount` that stands for the sum of all the other segments (its drift is
/// solved with the others and then dropped).
///
/// Segments that share frames (overlapping windows) are never paired: their common localisations
/// would pull the correlation peak towards zero shift. RCC pairs each segment with the next `window`
/// segments that start after it ends; DCC with the first such segment.
public struct PairSchedule: Equatable, Sendable {
    public let method: CorrelationMethod
    public let segmentation: Segmentation
    /// RCC window: partners per segment; nil = all.
    public let window: Int?
    /// For each segment, the first later segment that does not overlap it (`segmentCount` if none).
    private let firstDisjoint: [Int]

    public init(method: CorrelationMethod, segmentation: Segmentation, window: Int?) {
        self.method = method
        self.segmentation = segmentation
        self.window = method == .dcc ? 1 : window
        let segs = segmentation.segments
        var next: [Int] = []
        var j = 0
        for i in segs.indices {
            j = max(j, i + 1)
            while j < segs.count && segs[j].firstFrame <= segs[i].lastFrame { j += 1 }
            next.append(j)
        }
        firstDisjoint = next
    }

    public var segmentCount: Int { segmentation.count }

    /// Index of MCC's virtual reference node.
    public var referenceNode: Int { segmentCount }

    /// Number of nodes in the least-squares system (MCC adds the reference).
    public var nodeCount: Int { method == .mcc ? segmentCount + 1 : segmentCount }

    /// The partners of segment i, in increasing order.
    public func partners(of i: Int) -> [Int] {
        switch method {
        case .mcc:
            return [referenceNode]
        case .rcc, .dcc:
            let first = firstDisjoint[i]
            let last = window.map { min(segmentCount - 1, first - 1 + min($0, segmentCount)) } ?? (segmentCount - 1)
            return first <= last ? Array(first...last) : []
        }
    }

    /// Whether segments i < j are a pair (RCC, DCC).
    public func isPair(_ i: Int, _ j: Int) -> Bool {
        guard method != .mcc, i < j, j < segmentCount else { return false }
        let first = firstDisjoint[i]
        return j >= first && window.map { j - first < $0 } ?? true
    }

    /// The last segment whose spectrum segment i's pairs need (itself when none).
    public func lastPartner(of i: Int) -> Int {
        method == .mcc ? i : (partners(of: i).last ?? i)
    }
}
