import Foundation

/// Cross-correlates rendered segments through their spectra and locates the correlation peak to
/// sub-bin precision.
///
/// The correlation of segments i and j peaks at the shift of j relative to i: if image j is image i
/// moved by s, the peak sits at +s. Before the inverse transform the cross-power spectrum is multiplied
/// by a Gaussian (`smoothingBins`), which makes the peak smooth enough for a Gaussian fit.
public final class CrossCorrelator: @unchecked Sendable {
    public let fft: RealFFT2D
    /// Largest shift searched, in bins along each axis.
    public let maxShiftBins: Int
    /// Standard deviation of the Gaussian applied to the correlation, bins.
    public let smoothingBins: Double
    private let gaussian: [Float]

    public init(width: Int, height: Int, maxShiftBins: Int, smoothingBins: Double = 1.0) {
        fft = RealFFT2D(width: width, height: height)
        self.maxShiftBins = max(1, min(maxShiftBins, min(width, height) / 2 - 2))
        self.smoothingBins = smoothingBins
        let hw = width / 2 + 1
        var g = [Float](repeating: 0, count: height * hw)
        let s2 = 2 * Double.pi * Double.pi * smoothingBins * smoothingBins
        for ky in 0..<height {
            let fy = Double(ky <= height / 2 ? ky : ky - height) / Double(height)
            for kx in 0..<hw {
                let fx = Double(kx) / Double(width)
                g[ky * hw + kx] = Float(exp(-s2 * (fx * fx + fy * fy)))
            }
        }
        gaussian = g
    }

    /// The spectrum of a rendered image.
    public func spectrum(of image: [Float]) -> Spectrum { fft.forward(image) }

    /// The correlation of `a` with `b` as an image (`width * height`, zero shift at index 0).
    public func correlation(_ a: Spectrum, _ b: Spectrum) -> [Float] {
        precondition(a.width == fft.width && a.height == fft.height && b.width == a.width && b.height == a.height)
        let n = a.complexCount
        return fft.inverse { out in
            let pa = a.storage, pb = b.storage
            gaussian.withUnsafeBufferPointer { g in
                for k in 0..<n {
                    let ar = pa[2 * k], ai = pa[2 * k + 1], br = pb[2 * k], bi = pb[2 * k + 1]
                    // conj(a) * b
                    out[2 * k] = (ar * br + ai * bi) * g[k]
                    out[2 * k + 1] = (ar * bi - ai * br) * g[k]
                }
            }
        }
    }

    /// The shift of `b` relative to `a`, in bins, or nil when no peak stands in the search region.
    public func shift(from a: Spectrum, to b: Spectrum) -> PeakEstimate? {
        let c = correlation(a, b)
        return PeakFinder.locate(in: c, width: fft.width, height: fft.height, maxShift: maxShiftBins)
    }
}
