import CFFTW
import CFFTWMPI
import DriftCore
import Foundation

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
