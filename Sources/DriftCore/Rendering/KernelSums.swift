import Foundation

/// Sums over Gaussian kernel terms between points and reference bins: K, K dx, K dy, K dx^2, K dy^2
/// and K dx dy, with (dx, dy) = bin centre - point (nm) and K = count * exp(-|d|^2 / (2 sigma^2)).
/// They give f(s) = sum K (the smoothed correlation at shift s), its gradient and its Hessian.
public struct KernelSums: Equatable, Sendable {
    public var k0 = 0.0, kx = 0.0, ky = 0.0, kxx = 0.0, kyy = 0.0, kxy = 0.0

    public init() {}

    /// The lanes of `lanes` added up (in double precision).
    init(_ lanes: KernelLaneSums) {
        k0 = SIMD8<Double>(lanes.k0).sum(); kx = SIMD8<Double>(lanes.kx).sum(); ky = SIMD8<Double>(lanes.ky).sum()
        kxx = SIMD8<Double>(lanes.kxx).sum(); kyy = SIMD8<Double>(lanes.kyy).sum(); kxy = SIMD8<Double>(lanes.kxy).sum()
    }

    /// Adds `other`'s sums to these.
    public mutating func add(_ other: KernelSums) {
        k0 += other.k0; kx += other.kx; ky += other.ky
        kxx += other.kxx; kyy += other.kyy; kxy += other.kxy
    }

    /// The next shift step: Newton on f where its Hessian is negative definite, else mean-shift (the
    /// kernel-weighted mean offset, which never decreases f); at most sigma long. nil without support.
    public func step(sigmaNm: Double) -> (step: SIMD2<Double>, newton: Bool)? {
        guard k0 > 0 else { return nil }
        let s2 = sigmaNm * sigmaNm
        // f's gradient is (kx, ky) / s2; its Hessian ((kxx, kxy), (kxy, kyy)) / s2^2 - k0 / s2.
        let hxx = kxx / (s2 * s2) - k0 / s2, hyy = kyy / (s2 * s2) - k0 / s2, hxy = kxy / (s2 * s2)
        let gx = kx / s2, gy = ky / s2
        let det = hxx * hyy - hxy * hxy
        var step: SIMD2<Double>
        let newton = hxx < 0 && det > 0
        if newton {
            step = SIMD2(-(hyy * gx - hxy * gy) / det, -(-hxy * gx + hxx * gy) / det)
        } else {
            step = SIMD2(kx / k0, ky / k0)
        }
        let length = (step * step).sum().squareRoot()
        if length > sigmaNm { step *= sigmaNm / length }
        return (step, newton)
    }

    /// Whether iteration stops after `step`: it was shorter than `tolerance`, or a Newton step shorter
    /// than `newtonFraction` x sigma (by default sigma / 20). On a smooth symmetric peak such a step
    /// lands within about (length / sigma)^2 x length of it (1/400 of the step at 1/20, 1/100 at 1/10);
    /// on noisy counts a further step still moves the shift by a few hundredths of a nm
    /// (docs/algorithm.md). The refinement passes use 1/10 (`RefinementOptions.newtonStopFraction`).
    public static func converged(step: SIMD2<Double>, newton: Bool, sigmaNm: Double, tolerance: Double,
                                 newtonFraction: Double = 1.0 / 20) -> Bool {
        let length = (step * step).sum().squareRoot()
        return length < tolerance || (newton && length < sigmaNm * newtonFraction)
    }
}

/// `KernelSums` kept per window column (one lane of `KernelEvaluator`'s vectors each) in single
/// precision while a run of points is summed, and added up once at its end (`KernelSums.init(_:)`).
struct KernelLaneSums {
    var k0 = SIMD8<Float>(), kx = SIMD8<Float>(), ky = SIMD8<Float>()
    var kxx = SIMD8<Float>(), kyy = SIMD8<Float>(), kxy = SIMD8<Float>()
}
