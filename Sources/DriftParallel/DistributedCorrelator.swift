import CFFTW
import CFFTWMPI
import DriftCore
import Foundation

/// A 2D real transform shared by every process of a communicator, through FFTW's MPI interface (slab
/// decomposition): process r holds rows `rows` of the image and the same rows of its half spectrum
/// (`width / 2 + 1` complex values a row). Every call is collective.
final class DistributedRealFFT2D {
    let width: Int, height: Int
    /// This process's rows.
    let rows: Range<Int>
    /// Complex values per spectrum row.
    var halfWidth: Int { width / 2 + 1 }
    private let real: UnsafeMutablePointer<Float>
    private let complex: UnsafeMutablePointer<fftwf_complex>
    private let forwardPlan: fftwf_plan
    private let inversePlan: fftwf_plan
    /// Wall time inside FFTW so far, s.
    private(set) var executeSeconds = 0.0

    init(width: Int, height: Int, communicator: Communicator) {
        self.width = width
        self.height = height
        let comm = communicator.comm
        var n0 = 0, start = 0
        let alloc = fftwf_mpi_local_size_2d(height, width / 2 + 1, comm, &n0, &start)
        rows = start..<(start + n0)
        real = fftwf_alloc_real(2 * max(alloc, 1))!
        complex = fftwf_alloc_complex(max(alloc, 1))!
        real.initialize(repeating: 0, count: 2 * max(alloc, 1))
        let flags = UInt32(FFTW_ESTIMATE)
        forwardPlan = fftwf_mpi_plan_dft_r2c_2d(height, width, real, complex, comm, flags)!
        inversePlan = fftwf_mpi_plan_dft_c2r_2d(height, width, complex, real, comm, flags | UInt32(FFTW_DESTROY_INPUT))!
    }

    deinit {
        fftwf_destroy_plan(forwardPlan)
        fftwf_destroy_plan(inversePlan)
        fftwf_free(real)
        fftwf_free(complex)
    }

    private func timedExecute(_ plan: fftwf_plan) {
        let start = PhaseTimer.now()
        fftwf_execute(plan)
        executeSeconds += PhaseTimer.now() - start
    }

    /// This process's spectrum rows (interleaved re, im) of the image whose rows `rows` are `image`
    /// (`rows.count` x `width`).
    func forward(_ image: [Float]) -> [Float] {
        precondition(image.count == rows.count * width)
        let stride = 2 * halfWidth
        for r in 0..<rows.count {
            for c in 0..<width { real[r * stride + c] = image[r * width + c] }
        }
        timedExecute(forwardPlan)
        return complex.withMemoryRebound(to: Float.self, capacity: rows.count * stride) {
            Array(UnsafeBufferPointer(start: $0, count: rows.count * stride))
        }
    }

    /// This process's rows (`rows.count` x `width`) of the unnormalised inverse of the spectrum whose
    /// rows `fill` writes.
    func inverse(_ fill: (UnsafeMutablePointer<Float>) -> Void) -> [Float] {
        complex.withMemoryRebound(to: Float.self, capacity: rows.count * 2 * halfWidth) { fill($0) }
        timedExecute(inversePlan)
        let stride = 2 * halfWidth
        var out = [Float](repeating: 0, count: rows.count * width)
        for r in 0..<rows.count {
            for c in 0..<width { out[r * width + c] = real[r * stride + c] }
        }
        return out
    }
}

/// `CrossCorrelator` for renders too large for one process: all processes render, transform and
/// correlate every segment together, each on its slab of rows, and agree on each peak. The same
/// Gaussian smoothing, search box and peak fit as `CrossCorrelator`, so the shifts match the
/// single-process ones up to the transforms' rounding. Every call is collective.
final class DistributedCorrelator {
    let grid: RenderGrid
    let fft: DistributedRealFFT2D
    let comm: Communicator
    let renderer: Renderer
    let maxShiftBins: Int
    private let gaussian: [Float]
    private(set) var peakSeconds = 0.0

    init(grid: RenderGrid, maxShiftNm: Double, smoothingBins: Double, tukeyAlpha: Double, communicator: Communicator) {
        precondition(!grid.is3D)
        self.grid = grid
        comm = communicator
        fft = DistributedRealFFT2D(width: grid.width, height: grid.height, communicator: communicator)
        renderer = Renderer(grid: grid, tukeyAlpha: tukeyAlpha)
        maxShiftBins = max(1, min(Int(min(maxShiftNm / grid.binNm, 1e6).rounded(.up)), min(grid.width, grid.height) / 2 - 2))
        let hw = fft.halfWidth
        let s2 = 2 * Double.pi * Double.pi * smoothingBins * smoothingBins
        var g = [Float](repeating: 0, count: fft.rows.count * hw)
        for (r, ky) in fft.rows.enumerated() {
            let fy = Double(ky <= grid.height / 2 ? ky : ky - grid.height) / Double(grid.height)
            for kx in 0..<hw {
                let fx = Double(kx) / Double(grid.width)
                g[r * hw + kx] = Float(exp(-s2 * (fx * fx + fy * fy)))
            }
        }
        gaussian = g
    }

    /// This process's rows of the spectrum of the localisations' render (x, y in nm; every process
    /// passes all of them).
    func spectrum(x: [Float], y: [Float]) -> [Float] {
        fft.forward(renderer.render(x: x[...], y: y[...], rows: fft.rows))
    }

    /// This process's share of the smoothed autocorrelation at zero shift (`CrossCorrelator.energy`);
    /// the sum over processes is the energy.
    func localEnergy(_ a: [Float]) -> Double {
        let hw = fft.halfWidth
        var sum = 0.0
        for k in 0..<(a.count / 2) {
            let kx = k % hw
            let mult: Double = (kx == 0 || (grid.width % 2 == 0 && kx == hw - 1)) ? 1 : 2
            let re = Double(a[2 * k]), im = Double(a[2 * k + 1])
            sum += mult * (re * re + im * im) * Double(gaussian[k])
        }
        return sum
    }

    /// The shift of `b` relative to `a`, in bins, or nil when no peak stands in the search region.
    func shift(from a: [Float], to b: [Float]) -> PeakEstimate? {
        let corr = fft.inverse { out in
            for k in 0..<(a.count / 2) {
                let ar = a[2 * k], ai = a[2 * k + 1], br = b[2 * k], bi = b[2 * k + 1]
                out[2 * k] = (ar * br + ai * bi) * gaussian[k]
                out[2 * k + 1] = (ar * bi - ai * br) * gaussian[k]
            }
        }
        let start = PhaseTimer.now()
        defer { peakSeconds += PhaseTimer.now() - start }
        // The search box and one bin around it, from whichever processes hold its rows (each value
        // comes from one process, so the sum is exact), as a small circular image with zero shift at 0.
        let m = maxShiftBins + 1, side = 2 * m + 1
        var box = [Float](repeating: 0, count: side * side)
        let w = grid.width, h = grid.height
        for dy in -m...m {
            let row = ((dy % h) + h) % h
            guard fft.rows.contains(row) else { continue }
            for dx in -m...m {
                box[((dy % side + side) % side) * side + (dx % side + side) % side] = corr[(row - fft.rows.lowerBound) * w + ((dx % w) + w) % w]
            }
        }
        comm.allreduceSum(&box)
        return PeakFinder.locate(in: box, width: side, height: side, maxShift: maxShiftBins)
    }
}
