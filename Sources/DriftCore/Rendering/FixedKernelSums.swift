/// `KernelSums` in fixed point: each component an integer count of 2^-20 (about 1e-6; the sums of a
/// segment reach at most about 1e12, far under the 9e18 of 64 bits). The refinement rounds each run's
/// sums (one segment's points in one band of rows, `BandSweep`) to fixed point and adds them as
/// integers, so a segment's sums are the same, bit for bit, in whatever order and on whatever
/// processes its runs are summed: processes sum their bands and add their partial sums with one
/// integer all-reduce. The rounding (at most 2^-21 a run) and the single precision of a run's own
/// sums (`KernelLaneSums`, added into double precision every `BandSweep.flushPoints` points) are far
/// below what the Newton steps resolve.
public struct FixedKernelSums: Equatable, Sendable {
    /// k0, kx, ky, kxx, kyy, kxy, in units of 2^-20.
    public var values: SIMD8<Int64> = .zero

    static let scale = Double(1 << 20)

    public init() {}

    /// `sums` rounded to the nearest 2^-20.
    public init(_ sums: KernelSums) {
        let s = Self.scale
        values = SIMD8(Int64((sums.k0 * s).rounded()), Int64((sums.kx * s).rounded()), Int64((sums.ky * s).rounded()),
                       Int64((sums.kxx * s).rounded()), Int64((sums.kyy * s).rounded()), Int64((sums.kxy * s).rounded()), 0, 0)
    }

    public mutating func add(_ other: FixedKernelSums) { values &+= other.values }

    /// The sums as doubles.
    public var sums: KernelSums {
        var k = KernelSums()
        let s = 1 / Self.scale
        k.k0 = Double(values[0]) * s; k.kx = Double(values[1]) * s; k.ky = Double(values[2]) * s
        k.kxx = Double(values[3]) * s; k.kyy = Double(values[4]) * s; k.kxy = Double(values[5]) * s
        return k
    }

    /// The components of `sums` back to back (6 per segment), for an integer all-reduce.
    public static func flat(_ sums: [FixedKernelSums]) -> [Int64] {
        var out = [Int64](repeating: 0, count: 6 * sums.count)
        for (g, s) in sums.enumerated() { for c in 0..<6 { out[6 * g + c] = s.values[c] } }
        return out
    }

    /// The inverse of `flat`.
    public static func unflat(_ values: [Int64]) -> [FixedKernelSums] {
        (0..<(values.count / 6)).map { g in
            var s = FixedKernelSums()
            for c in 0..<6 { s.values[c] = values[6 * g + c] }
            return s
        }
    }
}
