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
