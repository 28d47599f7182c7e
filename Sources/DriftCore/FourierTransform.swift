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

/// Forward (real to complex) and inverse (complex to real) transforms of one 2D or 3D shape, with plans
/// made once. Plans use FFTW_ESTIMATE so that every process picks the same algorithm and results are
/// bitwise reproducible whatever the rank count.
public final class RealFFT: @unchecked Sendable {
    public let width: Int
    public let height: Int
    public let depth: Int
    private let real: UnsafeMutablePointer<Float>
    private let complex: UnsafeMutablePointer<fftwf_complex>
    private let forwardPlan: fftwf_plan
    private let inversePlan: fftwf_plan
    /// Wall time spent inside FFTW's execute calls so far, s.
    public private(set) var executeSeconds = 0.0

    public init(width: Int, height: Int, depth: Int = 1) {
        self.width = width
        self.height = height
        self.depth = depth
        real = fftwf_alloc_real(width * height * depth)!
        complex = fftwf_alloc_complex(depth * height * (width / 2 + 1))!
        let flags = UInt32(FFTW_ESTIMATE)
        if depth == 1 {
            forwardPlan = fftwf_plan_dft_r2c_2d(Int32(height), Int32(width), real, complex, flags)!
            inversePlan = fftwf_plan_dft_c2r_2d(Int32(height), Int32(width), complex, real, flags | UInt32(FFTW_DESTROY_INPUT))!
        } else {
            forwardPlan = fftwf_plan_dft_r2c_3d(Int32(depth), Int32(height), Int32(width), real, complex, flags)!
            inversePlan = fftwf_plan_dft_c2r_3d(Int32(depth), Int32(height), Int32(width), complex, real,
                                                flags | UInt32(FFTW_DESTROY_INPUT))!
        }
    }

    private func timedExecute(_ plan: fftwf_plan) {
        var a = timespec(), b = timespec()
        clock_gettime(CLOCK_MONOTONIC, &a)
        fftwf_execute(plan)
        clock_gettime(CLOCK_MONOTONIC, &b)
        executeSeconds += Double(b.tv_sec - a.tv_sec) + Double(b.tv_nsec - a.tv_nsec) * 1e-9
    }

    deinit {
        fftwf_destroy_plan(forwardPlan)
        fftwf_destroy_plan(inversePlan)
        fftwf_free(real)
        fftwf_free(complex)
    }

    /// Number of complex values of this shape's spectra.
    public var complexCount: Int { depth * height * (width / 2 + 1) }

    /// The spectrum of a `width * height * depth` image (x fastest).
    public func forward(_ image: [Float]) -> Spectrum {
        precondition(image.count == width * height * depth)
        image.withUnsafeBufferPointer { real.update(from: $0.baseAddress!, count: $0.count) }
        timedExecute(forwardPlan)
        let out = Spectrum(width: width, height: height, depth: depth)
        complex.withMemoryRebound(to: Float.self, capacity: complexCount * 2) {
            out.storage.update(from: $0, count: complexCount * 2)
        }
        return out
    }

    /// The unnormalised inverse transform of the spectrum that `fill` writes (interleaved re, im):
    /// `width * height * depth` values, scaled by their count as FFTW leaves them.
    public func inverse(_ fill: (UnsafeMutablePointer<Float>) -> Void) -> [Float] {
        complex.withMemoryRebound(to: Float.self, capacity: complexCount * 2) { fill($0) }
        timedExecute(inversePlan)
        return Array(UnsafeBufferPointer(start: real, count: width * height * depth))
    }
}
