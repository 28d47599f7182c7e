import CFFTW
import Foundation

/// Forward (real to complex) and inverse (complex to real) transforms of one 2D or 3D shape, with plans
/// made once, on first use (a correlator that only transforms forward never plans the inverse). Plans
/// use FFTW_ESTIMATE so that every process picks the same algorithm and results are bitwise
/// reproducible whatever the rank count. Not for use from several threads at once (nor FFTW's planner,
/// which every instance shares).
public final class RealFFT: @unchecked Sendable {
    public let width: Int
    public let height: Int
    public let depth: Int
    private let real: UnsafeMutablePointer<Float>
    private let complex: UnsafeMutablePointer<fftwf_complex>
    /// Made on first use (planning costs about as much as a transform of a small grid).
    private var forwardPlan: fftwf_plan?
    private var inversePlan: fftwf_plan?
    /// Wall time spent inside FFTW's execute calls so far, s.
    public private(set) var executeSeconds = 0.0

    public init(width: Int, height: Int, depth: Int = 1) {
        self.width = width
        self.height = height
        self.depth = depth
        real = fftwf_alloc_real(width * height * depth)!
        complex = fftwf_alloc_complex(depth * height * (width / 2 + 1))!
    }

    /// The forward plan, made now if not yet.
    private func forwardTransform() -> fftwf_plan {
        if let plan = forwardPlan { return plan }
        let flags = UInt32(FFTW_ESTIMATE)
        let plan = depth == 1
            ? fftwf_plan_dft_r2c_2d(Int32(height), Int32(width), real, complex, flags)!
            : fftwf_plan_dft_r2c_3d(Int32(depth), Int32(height), Int32(width), real, complex, flags)!
        forwardPlan = plan
        return plan
    }

    /// The inverse plan, made now if not yet.
    private func inverseTransform() -> fftwf_plan {
        if let plan = inversePlan { return plan }
        let flags = UInt32(FFTW_ESTIMATE) | UInt32(FFTW_DESTROY_INPUT)
        let plan = depth == 1
            ? fftwf_plan_dft_c2r_2d(Int32(height), Int32(width), complex, real, flags)!
            : fftwf_plan_dft_c2r_3d(Int32(depth), Int32(height), Int32(width), complex, real, flags)!
        inversePlan = plan
        return plan
    }

    private func timedExecute(_ plan: fftwf_plan) {
        executeSeconds += Self.seconds { fftwf_execute(plan) }
    }

    /// The wall time `body` takes, s (the monotonic clock, as the transforms' execute times are kept).
    static func seconds(_ body: () -> Void) -> Double {
        var a = timespec(), b = timespec()
        clock_gettime(CLOCK_MONOTONIC, &a)
        body()
        clock_gettime(CLOCK_MONOTONIC, &b)
        return Double(b.tv_sec - a.tv_sec) + Double(b.tv_nsec - a.tv_nsec) * 1e-9
    }

    deinit {
        if let forwardPlan { fftwf_destroy_plan(forwardPlan) }
        if let inversePlan { fftwf_destroy_plan(inversePlan) }
        fftwf_free(real)
        fftwf_free(complex)
    }

    /// Number of complex values of this shape's spectra.
    public var complexCount: Int { depth * height * (width / 2 + 1) }

    /// The spectrum of a `width * height * depth` image (x fastest).
    public func forward(_ image: [Float]) -> Spectrum {
        precondition(image.count == width * height * depth)
        return forward(filling: Self.copying(image))
    }

    /// The spectrum of the image `fill` writes into the transform's own input (`width * height *
    /// depth` values, x fastest; every value must be written).
    public func forward(filling fill: (UnsafeMutableBufferPointer<Float>) -> Void) -> Spectrum {
        let plan = forwardTransform()     // before the input is written: planning may overwrite it
        fill(UnsafeMutableBufferPointer(start: real, count: width * height * depth))
        timedExecute(plan)
        let out = Spectrum(width: width, height: height, depth: depth)
        complex.withMemoryRebound(to: Float.self, capacity: complexCount * 2) {
            out.storage.update(from: $0, count: complexCount * 2)
        }
        return out
    }

    /// The spectrum of a `width * height * depth` image cut to its lowest frequencies: the half
    /// spectrum of a `bandWidth` x `bandHeight` x `depth` image (both even, at most this shape), its
    /// Nyquist row and column zero. The correlation it makes is that of the band-limited images,
    /// sampled every `width / bandWidth` bins.
    public func forward(_ image: [Float], bandWidth: Int, bandHeight: Int) -> Spectrum {
        precondition(image.count == width * height * depth)
        return forward(filling: Self.copying(image), bandWidth: bandWidth, bandHeight: bandHeight)
    }

    /// What writes `image` into a transform's input.
    private static func copying(_ image: [Float]) -> (UnsafeMutableBufferPointer<Float>) -> Void {
        { out in image.withUnsafeBufferPointer { out.baseAddress!.update(from: $0.baseAddress!, count: $0.count) } }
    }

    /// As `forward(_:bandWidth:bandHeight:)`, of the image `fill` writes into the transform's own
    /// input (`width * height * depth` values, x fastest; every value must be written).
    public func forward(filling fill: (UnsafeMutableBufferPointer<Float>) -> Void, bandWidth: Int, bandHeight: Int) -> Spectrum {
        precondition(bandWidth % 2 == 0 && bandHeight % 2 == 0 && bandWidth <= width && bandHeight <= height)
        let plan = forwardTransform()
        fill(UnsafeMutableBufferPointer(start: real, count: width * height * depth))
        timedExecute(plan)
        let out = Spectrum(width: bandWidth, height: bandHeight, depth: depth)
        let hw = width / 2 + 1, bhw = bandWidth / 2 + 1
        complex.withMemoryRebound(to: Float.self, capacity: complexCount * 2) { src in
            for kz in 0..<depth {
                for ky in 0..<bandHeight where ky != bandHeight / 2 {
                    let from = ky < bandHeight / 2 ? ky : ky + height - bandHeight
                    let s = 2 * ((kz * height + from) * hw), d = 2 * ((kz * bandHeight + ky) * bhw)
                    // Columns 0 ..< bandWidth / 2; the Nyquist column stays zero.
                    (out.storage + d).update(from: src + s, count: 2 * (bhw - 1))
                }
            }
        }
        return out
    }

    /// The unnormalised inverse transform of the spectrum that `fill` writes, handed to `read` in the
    /// transform's own output buffer (`width * height * depth` values, valid only inside `read`).
    public func inverse<T>(_ fill: (UnsafeMutablePointer<Float>) -> Void, read: (UnsafeBufferPointer<Float>) -> T) -> T {
        let plan = inverseTransform()
        complex.withMemoryRebound(to: Float.self, capacity: complexCount * 2) { fill($0) }
        timedExecute(plan)
        return read(UnsafeBufferPointer(start: real, count: width * height * depth))
    }

    /// The unnormalised inverse transform of the spectrum that `fill` writes (interleaved re, im):
    /// `width * height * depth` values, scaled by their count as FFTW leaves them.
    public func inverse(_ fill: (UnsafeMutablePointer<Float>) -> Void) -> [Float] {
        inverse(fill) { Array($0) }
    }
}
