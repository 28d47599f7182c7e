/// Which segments a pair set connects, by union-find (near-linear in the number of pairs).
public struct SegmentConnectivity {
    private var parent: [Int]

    public init(segmentCount: Int, pairs: [PairShift]) {
        parent = Array(0..<segmentCount)
        for p in pairs where p.used { union(p.i, p.j) }
    }

    /// Like `init(segmentCount:pairs:)`, but as if the pair at index `excluded` of `pairs` were
    /// not used: for asking whether dropping that pair would split the graph.
    public init(segmentCount: Int, pairs: [PairShift], excluding excluded: Int) {
        parent = Array(0..<segmentCount)
        for (index, p) in pairs.enumerated() where p.used && index != excluded { union(p.i, p.j) }
    }

    private mutating func find(_ a: Int) -> Int {
        var a = a
        while parent[a] != a {
            parent[a] = parent[parent[a]]
            a = parent[a]
        }
        return a
    }

    private mutating func union(_ a: Int, _ b: Int) {
        let ra = find(a), rb = find(b)
        if ra != rb { parent[max(ra, rb)] = min(ra, rb) }
    }

    /// Whether every segment is connected to segment 0 (true for zero or one segment).
    public mutating func connectsAll() -> Bool {
        guard !parent.isEmpty else { return true }
        let root = find(0)
        return (0..<parent.count).allSatisfy { find($0) == root }
    }

    /// The segments not connected to segment 0.
    public mutating func unconnected() -> [Int] {
        guard !parent.isEmpty else { return [] }
        let root = find(0)
        return (0..<parent.count).filter { find($0) != root }
    }
}
