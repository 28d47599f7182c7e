import Foundation

/// One point's z kernel weights over the z bins of its cell (`ZReference.alignZ`): exp(-(d0 + k b)^2 /
/// (2 sigma^2)) in lane k of `low` (k = 0 ..< 8) and lane k - 8 of `high` (k = 8 ..< 16), with b the
/// bins' height and d0 the offset (nm) of the first bin's centre from the point. Interpolated
/// linearly in a table over the offsets where every window that is not cut at the histogram's bottom
/// starts (two bins' width around -radius, 512 steps a bin: within about 1e-6, relative, of the
/// exponentials at the bins of sigma / 2 the refinement uses); none elsewhere. Made once per kernel
/// width, not per segment.
final class ZKernelWeights {
    /// Bins a window can hold.
    static let lanes = 16
    /// Table steps a bin.
    static let steps = 512
    /// Entry i: the low and the high lanes at 2 i and 2 i + 1.
    private let table: UnsafeMutablePointer<SIMD8<Float>>
    private let start: Double, scale: Double

    /// Weights of a kernel of width `sigmaNm` cut at `radiusNm`, over bins `binNm` high (nm).
    init(sigmaNm: Double, radiusNm: Double, binNm: Double) {
        let c = 1 / (2 * sigmaNm * sigmaNm)
        start = -radiusNm - binNm
        scale = Double(Self.steps) / binNm
        table = .allocate(capacity: 2 * (2 * Self.steps + 1))
        for i in 0...(2 * Self.steps) {
            let w = Self.exact(-radiusNm - binNm + Double(i) * binNm / Double(Self.steps), binNm: binNm, inv2s2: c)
            (table + 2 * i).initialize(to: w.low)
            (table + 2 * i + 1).initialize(to: w.high)
        }
    }

    deinit {
        table.deallocate()
    }

    @inline(__always) static func exact(_ d0: Double, binNm: Double, inv2s2: Double) -> (low: SIMD8<Float>, high: SIMD8<Float>) {
        var low = SIMD8<Float>(), high = SIMD8<Float>()
        for k in 0..<8 {
            let a = d0 + Double(k) * binNm, b = d0 + Double(k + 8) * binNm
            low[k] = Float(exp(-a * a * inv2s2))
            high[k] = Float(exp(-b * b * inv2s2))
        }
        return (low, high)
    }

    /// The weights at offset `d0` (nm), nil outside the table (a window cut at the histogram's bottom).
    @inline(__always) func weights(_ d0: Double) -> (low: SIMD8<Float>, high: SIMD8<Float>)? {
        let t = (d0 - start) * scale
        guard t >= 0 && t < Double(2 * Self.steps) else { return nil }
        let i = Int(t), f = Float(t - Double(i))
        let p = table + 2 * i
        return (p[0] + f * (p[2] - p[0]), p[1] + f * (p[3] - p[1]))
    }
}
