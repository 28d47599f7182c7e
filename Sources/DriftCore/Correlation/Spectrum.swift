import CFFTW
import Foundation

/// The half spectrum of a real image (FFTW's r2c layout): `depth` x `height` planes of
/// `width / 2 + 1` complex values, held in FFTW-aligned memory.
public final class Spectrum: @unchecked Sendable {
    public let width: Int
    public let height: Int
    public let depth: Int
    /// Interleaved (re, im) pairs, `complexCount` of them.
    let storage: UnsafeMutablePointer<Float>

    init(width: Int, height: Int, depth: Int) {
        self.width = width
        self.height = height
        self.depth = depth
        let n = depth * height * (width / 2 + 1) * 2
        storage = fftwf_alloc_real(n)!
        storage.initialize(repeating: 0, count: n)
    }

    deinit { fftwf_free(storage) }

    /// Number of complex values.
    public var complexCount: Int { depth * height * (width / 2 + 1) }

    /// The values scaled by 2^scaleBits and rounded to integers, so that sums over processes are exact
    /// and do not depend on their order.
    public func fixedPoint(scaleBits: Int) -> [Int64] {
        let scale = Double(1 << scaleBits)
        return (0..<(complexCount * 2)).map { Int64((Double(storage[$0]) * scale).rounded()) }
    }

    /// A spectrum from fixed-point values (as from `fixedPoint`).
    public convenience init(width: Int, height: Int, depth: Int, fixedPoint: [Int64], scaleBits: Int) {
        self.init(width: width, height: height, depth: depth)
        precondition(fixedPoint.count == complexCount * 2)
        let scale = 1 / Double(1 << scaleBits)
        for k in fixedPoint.indices { storage[k] = Float(Double(fixedPoint[k]) * scale) }
    }

    /// The spectrum of the image moved by `shift` (bins, x y z): each value times exp(-2 pi i k . shift / N).
    public func translated(by shift: SIMD3<Double>) -> Spectrum {
        let out = Spectrum(width: width, height: height, depth: depth)
        let hw = width / 2 + 1
        let ax = shift.x / Double(width), ay = shift.y / Double(height), az = shift.z / Double(depth)
        for kz in 0..<depth {
            let fz = Double(kz <= depth / 2 ? kz : kz - depth) * az
            for ky in 0..<height {
                let fy = Double(ky <= height / 2 ? ky : ky - height) * ay
                let base = (kz * height + ky) * hw
                for kx in 0..<hw {
                    let phase = -2 * Double.pi * (Double(kx) * ax + fy + fz)
                    let c = Float(cos(phase)), sn = Float(sin(phase))
                    let k = 2 * (base + kx)
                    let re = storage[k], im = storage[k + 1]
                    out.storage[k] = re * c - im * sn
                    out.storage[k + 1] = re * sn + im * c
                }
            }
        }
        return out
    }

    /// An all-zero spectrum of a `width` x `height` x `depth` image, to receive one into.
    public static func zeros(width: Int, height: Int, depth: Int = 1) -> Spectrum {
        Spectrum(width: width, height: height, depth: depth)
    }

    /// Number of floats of `floats` (2 x `complexCount`).
    public var floatCount: Int { complexCount * 2 }

    /// The interleaved (re, im) values themselves, for sending and receiving whole spectra between
    /// processes. Writing through it changes this spectrum.
    public var floats: UnsafeMutablePointer<Float> { storage }

    /// This spectrum minus another of the same shape (a sum of segments without one of them).
    public func subtracting(_ other: Spectrum) -> Spectrum {
        precondition(other.complexCount == complexCount)
        let out = Spectrum(width: width, height: height, depth: depth)
        for k in 0..<(complexCount * 2) { out.storage[k] = storage[k] - other.storage[k] }
        return out
    }
}
