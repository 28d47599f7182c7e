import Foundation

/// Cross-correlates rendered segments through their spectra and locates the correlation peak to
/// sub-bin precision, in 2D or 3D.
///
/// The correlation of segments i and j peaks at the shift of j relative to i: if image j is image i
/// moved by s, the peak sits at +s. Before the inverse transform the cross-power spectrum is multiplied
/// by a Gaussian (`smoothingBins` in every axis), which makes the peak smooth enough for a Gaussian fit.
public final class CrossCorrelator: @unchecked Sendable {
    public let fft: RealFFT
    /// Largest shift searched, in bins along x and y, and along z.
    public let maxShiftBins: Int
    public let maxShiftBinsZ: Int
    /// Standard deviation of the Gaussian applied to the correlation, bins.
    public let smoothingBins: Double
    private let gaussian: [Float]
    /// Wall time spent locating and fitting peaks so far, s.
    public private(set) var peakSeconds = 0.0

    public convenience init(grid: RenderGrid, maxShiftNm: Double, smoothingBins: Double = 1.0) {
        self.init(width: grid.width, height: grid.height, depth: grid.depth,
                  maxShiftBins: Int(min(maxShiftNm / grid.binNm, 1e6).rounded(.up)),
                  maxShiftBinsZ: Int(min(maxShiftNm / grid.binZNm, 1e6).rounded(.up)), smoothingBins: smoothingBins)
    }

    public init(width: Int, height: Int, depth: Int = 1, maxShiftBins: Int, maxShiftBinsZ: Int = 0,
                smoothingBins: Double = 1.0) {
        fft = RealFFT(width: width, height: height, depth: depth)
        self.maxShiftBins = max(1, min(maxShiftBins, min(width, height) / 2 - 2))
        self.maxShiftBinsZ = depth > 1 ? max(1, min(maxShiftBinsZ, depth / 2 - 2)) : 0
        self.smoothingBins = smoothingBins
        let hw = width / 2 + 1
        var g = [Float](repeating: 0, count: depth * height * hw)
        let s2 = 2 * Double.pi * Double.pi * smoothingBins * smoothingBins
        for kz in 0..<depth {
            let fz = Double(kz <= depth / 2 ? kz : kz - depth) / Double(depth)
            for ky in 0..<height {
                let fy = Double(ky <= height / 2 ? ky : ky - height) / Double(height)
                for kx in 0..<hw {
                    let fx = Double(kx) / Double(width)
                    g[(kz * height + ky) * hw + kx] = Float(exp(-s2 * (fx * fx + fy * fy + fz * fz)))
                }
            }
        }
        gaussian = g
    }

    /// The spectrum of a rendered image.
    public func spectrum(of image: [Float]) -> Spectrum { fft.forward(image) }

    /// The correlation of `a` with `b` as an image (zero shift at index 0).
    public func correlation(_ a: Spectrum, _ b: Spectrum) -> [Float] {
        precondition(a.width == fft.width && a.height == fft.height && a.depth == fft.depth
                     && b.complexCount == a.complexCount)
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

    /// The smoothed autocorrelation of `a` at zero shift, on the scale of `correlation`'s values, so
    /// that peak / sqrt(energy(a) * energy(b)) is a correlation coefficient in [0, 1].
    public func energy(_ a: Spectrum) -> Double {
        let hw = fft.width / 2 + 1
        var sum = 0.0
        gaussian.withUnsafeBufferPointer { g in
            for k in 0..<a.complexCount {
                let kx = k % hw
                // The half spectrum stands for its mirror image too, except at x frequency 0 and Nyquist.
                let mult: Double = (kx == 0 || (fft.width % 2 == 0 && kx == hw - 1)) ? 1 : 2
                let re = Double(a.storage[2 * k]), im = Double(a.storage[2 * k + 1])
                sum += mult * (re * re + im * im) * Double(g[k])
            }
        }
        return sum
    }

    /// The shift of `b` relative to `a`, in bins, or nil when no peak stands in the search region.
    public func shift(from a: Spectrum, to b: Spectrum) -> PeakEstimate? {
        let c = correlation(a, b)
        let start = Date()
        defer { peakSeconds += Date().timeIntervalSince(start) }
        return PeakFinder.locate(in: c, width: fft.width, height: fft.height, depth: fft.depth,
                                 maxShift: maxShiftBins, maxShiftZ: maxShiftBinsZ)
    }
}
