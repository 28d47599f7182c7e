/// One measured pair of segments: segment j appears shifted by `shift` relative to segment i,
/// so that drift[j] - drift[i] = shift.
public struct PairShift: Equatable, Sendable {
    public var i: Int
    public var j: Int
    /// Measured shift of j relative to i, nm (x, y, z).
    public var shift: SIMD3<Double>
    /// Weight in the least-squares solve (larger is more trusted).
    public var weight: Double
    /// Whether the solve used this pair.
    public var used: Bool

    public init(i: Int, j: Int, shift: SIMD3<Double>, weight: Double, used: Bool = true) {
        self.i = i
        self.j = j
        self.shift = shift
        self.weight = weight
        self.used = used
    }
}

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

extension PairShift {
    /// Number of values in `packed`.
    public static let packedCount = 7

    /// The pair as plain numbers (i, j, shift x, y, z, weight, used), for sending between processes.
    public var packed: [Double] {
        [Double(i), Double(j), shift.x, shift.y, shift.z, weight, used ? 1 : 0]
    }

    /// A pair from `packedCount` values as written by `packed`.
    public init(packed v: ArraySlice<Double>) {
        let b = v.startIndex
        self.init(i: Int(v[b]), j: Int(v[b + 1]), shift: SIMD3(v[b + 2], v[b + 3], v[b + 4]),
                  weight: v[b + 5], used: v[b + 6] != 0)
    }
}
