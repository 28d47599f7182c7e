import Foundation

/// Cross-correlates rendered segments through their spectra and locates the correlation peak to
/// sub-bin precision, in 2D or 3D.
///
/// The correlation of segments i and j peaks at the shift of j relative to i: if image j is image i
/// moved by s, the peak sits at +s. Before the inverse transform the cross-power spectrum is multiplied
/// by a Gaussian (`smoothingBins` in every axis), which makes the peak smooth enough for a Gaussian fit.
public final class CrossCorrelator: @unchecked Sendable {
    /// The transforms of the spectra's shape: the grid's, or with `band` 2 its lower half band's
    /// (half the grid's width and height), whose inverse samples the correlation every 2 bins.
    public let fft: RealFFT
    /// The forward transform of the grid's images (`fft` itself when the band is the whole grid).
    public let gridFFT: RealFFT
    /// 1: spectra hold every frequency; 2: only those below a quarter cycle per bin in x and y (z
    /// whole). The Gaussian smoothing leaves at most exp(-2 pi^2 s^2 / 16) = 29 % (s = 1 bin) of any
    /// frequency past that cut, and the spectra hold a quarter of the values.
    public let band: Int
    /// Largest shift searched, in bins along x and y, and along z.
    public let maxShiftBins: Int
    public let maxShiftBinsZ: Int
    /// Standard deviation of the Gaussian applied to the correlation, bins.
    public let smoothingBins: Double
    private let gaussian: [Float]
    /// Refine each peak to the maximum of the continuous correlation (`SpectralPeak`; for images).
    public var continuousPeak = false
    private lazy var spectralPeak = SpectralPeak(width: gridFFT.width, height: gridFFT.height, depth: gridFFT.depth,
                                                 bandWidth: fft.width, bandHeight: fft.height)
    /// The inverse made only in the rows (and 3D planes) within the largest shift (nil: the whole
    /// transform, where those are nearly all of them).
    private let windowed: WindowedInverse?
    /// Wall time spent locating and fitting peaks so far, s.
    public private(set) var peakSeconds = 0.0

    public convenience init(grid: RenderGrid, maxShiftNm: Double, smoothingBins: Double = 1.0, band: Int = 1) {
        self.init(width: grid.width, height: grid.height, depth: grid.depth,
                  maxShiftBins: Int(min(maxShiftNm / grid.binNm, 1e6).rounded(.up)),
                  maxShiftBinsZ: Int(min(maxShiftNm / grid.binZNm, 1e6).rounded(.up)), smoothingBins: smoothingBins,
                  band: band)
    }

    /// `band` 2 is used only where both sides are multiples of 4 (else the whole grid).
    public init(width: Int, height: Int, depth: Int = 1, maxShiftBins: Int, maxShiftBinsZ: Int = 0,
                smoothingBins: Double = 1.0, band: Int = 1) {
        let cut = band == 2 && width % 4 == 0 && height % 4 == 0 && min(width, height) >= 32
        self.band = cut ? 2 : 1
        gridFFT = RealFFT(width: width, height: height, depth: depth)
        fft = cut ? RealFFT(width: width / 2, height: height / 2, depth: depth) : gridFFT
        self.maxShiftBins = max(1, min(maxShiftBins, min(width, height) / 2 - 2 * self.band))
        self.maxShiftBinsZ = depth > 1 ? max(1, min(maxShiftBinsZ, depth / 2 - 2)) : 0
        self.smoothingBins = smoothingBins
        // The peak search reads rows and planes within the reach (`shift(from:to:)`) and one more
        // either side.
        windowed = WindowedInverse(width: fft.width, height: fft.height, depth: depth,
                                   rows: Self.reach(maxShiftBins: self.maxShiftBins, band: self.band) + 1,
                                   planes: self.maxShiftBinsZ + 1)
        let bw = fft.width, bh = fft.height, hw = bw / 2 + 1
        var g = [Float](repeating: 0, count: depth * bh * hw)
        let s2 = 2 * Double.pi * Double.pi * smoothingBins * smoothingBins
        // Frequencies in cycles per grid bin, whatever the band.
        for kz in 0..<depth {
            let fz = Double(kz <= depth / 2 ? kz : kz - depth) / Double(depth)
            for ky in 0..<bh {
                let fy = Double(ky <= bh / 2 ? ky : ky - bh) / Double(height)
                for kx in 0..<hw {
                    let fx = Double(kx) / Double(width)
                    g[(kz * bh + ky) * hw + kx] = Float(exp(-s2 * (fx * fx + fy * fy + fz * fz)))
                }
            }
        }
        gaussian = g
    }

    /// Samples of the transform's output within the largest shift along x and y (one every `band` bins).
    static func reach(maxShiftBins: Int, band: Int) -> Int { max(1, maxShiftBins / band) }

    /// Wall time spent inside FFTW's execute calls so far (all of this correlator's transforms), s.
    public var fftwSeconds: Double {
        fft.executeSeconds + (band > 1 ? gridFFT.executeSeconds : 0) + (windowed?.executeSeconds ?? 0)
    }

    /// The spectrum of a rendered image (of the grid's shape), cut to the band.
    public func spectrum(of image: [Float]) -> Spectrum {
        band == 1 ? fft.forward(image) : gridFFT.forward(image, bandWidth: fft.width, bandHeight: fft.height)
    }

    /// The spectrum of the image (of the grid's shape) that `fill` writes, every value of it, into
    /// the transform's input, cut to the band.
    public func spectrum(filling fill: (UnsafeMutableBufferPointer<Float>) -> Void) -> Spectrum {
        band == 1 ? fft.forward(filling: fill) : gridFFT.forward(filling: fill, bandWidth: fft.width, bandHeight: fft.height)
    }

    /// The correlation of `a` with `b` as an image of the spectra's shape (zero shift at index 0;
    /// every `band` bins in x and y).
    public func correlation(_ a: Spectrum, _ b: Spectrum) -> [Float] {
        fft.inverse(crossPower(a, b))
    }

    /// What writes the smoothed cross-power spectrum conj(a) b g into a transform's input.
    private func crossPower(_ a: Spectrum, _ b: Spectrum) -> (UnsafeMutablePointer<Float>) -> Void {
        precondition(a.width == fft.width && a.height == fft.height && a.depth == fft.depth
                     && b.complexCount == a.complexCount)
        let n = a.complexCount, gaussian = gaussian
        return { out in
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
        let hw = fft.width / 2 + 1, nyquist = fft.width % 2 == 0 ? hw - 1 : -1
        var sum = 0.0
        gaussian.withUnsafeBufferPointer { g in
            let p = a.storage
            // Row by row (the same order and sums as value by value, without a remainder each).
            for row in 0..<(a.complexCount / hw) {
                let base = row * hw
                for kx in 0..<hw {
                    let k = base + kx
                    // The half spectrum stands for its mirror image too, except at x frequency 0 and Nyquist.
                    let mult: Double = kx == 0 || kx == nyquist ? 1 : 2
                    let re = Double(p[2 * k]), im = Double(p[2 * k + 1])
                    sum += mult * (re * re + im * im) * Double(g[k])
                }
            }
        }
        return sum
    }

    /// The shift of `b` relative to `a`, in bins, or nil when no peak stands in the search region.
    /// With `continuousPeak` the three-point estimate is refined to the maximum of the continuous
    /// (band-limited) correlation (`SpectralPeak`).
    public func shift(from a: Spectrum, to b: Spectrum) -> PeakEstimate? {
        // The peak is searched in the transform's own output (a copy of it was a quarter of the
        // memory traffic of each pair on 2048 x 2048 images).
        let fill = crossPower(a, b)
        // Reach: the samples within the largest shift (Newton may then move the peak up to `band`
        // bins on). The transform counts as correlating; the search and the refinement as peaks.
        let reach = Self.reach(maxShiftBins: maxShiftBins, band: band)
        let (w, h, d, rz) = (fft.width, fft.height, fft.depth, maxShiftBinsZ)
        var transformed = Date()
        defer { peakSeconds += Date().timeIntervalSince(transformed) }
        let locate = { (values: UnsafeBufferPointer<Float>) -> PeakEstimate? in
            transformed = Date()
            return PeakFinder.locate(in: values, width: w, height: h, depth: d, maxShift: reach, maxShiftZ: rz)
        }
        let sampled = windowed.map { $0.inverse(fill, read: locate) } ?? fft.inverse(fill, read: locate)
        guard var peak = sampled else { return nil }
        peak.dx *= Double(band)
        peak.dy *= Double(band)
        guard continuousPeak else { return peak }
        return gaussian.withUnsafeBufferPointer { spectralPeak.refine(peak, a, b, gaussian: $0, reach: Double(band)) }
    }
}
