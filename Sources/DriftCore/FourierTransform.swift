import CFFTW

/// The half-plane spectrum of a real 2D image (FFTW's r2c layout): `height` rows of `width / 2 + 1`
/// complex values, held in FFTW-aligned memory.
public final class Spectrum: @unchecked Sendable {
    public let width: Int
    public let height: Int
    /// Interleaved (re, im) pairs, `height * (width / 2 + 1)` of them.
    let storage: UnsafeMutablePointer<Float>

    init(width: Int, height: Int) {
        self.width = width
        self.height = height
        let n = height * (width / 2 + 1) * 2
        storage = fftwf_alloc_real(n)!
        storage.initialize(repeating: 0, count: n)
    }

    deinit { fftwf_free(storage) }

    /// Number of complex values.
    public var complexCount: Int { height * (width / 2 + 1) }

    /// The values as interleaved (re, im) floats, for sending between processes.
    public var floats: [Float] { Array(UnsafeBufferPointer(start: storage, count: complexCount * 2)) }

    /// A spectrum with the given interleaved values (as from `floats`).
    public convenience init(width: Int, height: Int, floats: [Float]) {
        self.init(width: width, height: height)
        precondition(floats.count == complexCount * 2)
        floats.withUnsafeBufferPointer { storage.update(from: $0.baseAddress!, count: $0.count) }
    }
}

/// Forward (real to complex) and inverse (complex to real) 2D transforms of one shape, with plans made
/// once. Plans use FFTW_ESTIMATE so that every process picks the same algorithm and results are
/// bitwise reproducible whatever the rank count.
public final class RealFFT2D: @unchecked Sendable {
    public let width: Int
    public let height: Int
    private let real: UnsafeMutablePointer<Float>
    private let complex: UnsafeMutablePointer<fftwf_complex>
    private let forwardPlan: fftwf_plan
    private let inversePlan: fftwf_plan

    public init(width: Int, height: Int) {
        self.width = width
        self.height = height
        real = fftwf_alloc_real(width * height)!
        complex = fftwf_alloc_complex(height * (width / 2 + 1))!
        forwardPlan = fftwf_plan_dft_r2c_2d(Int32(height), Int32(width), real, complex, UInt32(FFTW_ESTIMATE))!
        inversePlan = fftwf_plan_dft_c2r_2d(Int32(height), Int32(width), complex, real,
                                            UInt32(FFTW_ESTIMATE | FFTW_DESTROY_INPUT))!
    }

    deinit {
        fftwf_destroy_plan(forwardPlan)
        fftwf_destroy_plan(inversePlan)
        fftwf_free(real)
        fftwf_free(complex)
    }

    /// The spectrum of a `width * height` row-major image.
    public func forward(_ image: [Float]) -> Spectrum {
        precondition(image.count == width * height)
        image.withUnsafeBufferPointer { real.update(from: $0.baseAddress!, count: $0.count) }
        fftwf_execute(forwardPlan)
        let out = Spectrum(width: width, height: height)
        complex.withMemoryRebound(to: Float.self, capacity: out.complexCount * 2) {
            out.storage.update(from: $0, count: out.complexCount * 2)
        }
        return out
    }

    /// The unnormalised inverse transform of the spectrum that `fill` writes (interleaved re, im):
    /// `width * height` values, scaled by `width * height` as FFTW leaves them.
    public func inverse(_ fill: (UnsafeMutablePointer<Float>) -> Void) -> [Float] {
        complex.withMemoryRebound(to: Float.self, capacity: height * (width / 2 + 1) * 2) { fill($0) }
        fftwf_execute(inversePlan)
        return Array(UnsafeBufferPointer(start: real, count: width * height))
    }
}
