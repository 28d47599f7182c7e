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
