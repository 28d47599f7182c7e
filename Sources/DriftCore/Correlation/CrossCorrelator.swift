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
    /// Refine each peak to the maximum of the continuous correlation (`refinedPeak`; for images).
    public var continuousPeak = false
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
    /// With `continuousPeak` the three-point estimate is refined to the maximum of the continuous
    /// (band-limited) correlation (`refinedPeak`).
    public func shift(from a: Spectrum, to b: Spectrum) -> PeakEstimate? {
        let c = correlation(a, b)
        let start = Date()
        defer { peakSeconds += Date().timeIntervalSince(start) }
        guard let peak = PeakFinder.locate(in: c, width: fft.width, height: fft.height, depth: fft.depth,
                                           maxShift: maxShiftBins, maxShiftZ: maxShiftBinsZ) else { return nil }
        return continuousPeak ? refinedPeak(peak, a, b) : peak
    }

    /// The maximum of the correlation as the continuous function its (smoothed) cross-power spectrum
    /// P defines, c(s) = sum_k m_k Re(P_k exp(2 pi i f_k . s)), found by Newton steps from the
    /// three-point estimate with the gradient and Hessian summed over the spectrum. Unlike a fit to
    /// three samples it has no bias towards whole bins (for images, whose correlation peak is not a
    /// Gaussian). Falls back to `peak` if the steps leave its bin.
    func refinedPeak(_ peak: PeakEstimate, _ a: Spectrum, _ b: Spectrum) -> PeakEstimate {
        let w = fft.width, h = fft.height, d = fft.depth, hw = w / 2 + 1
        let threeD = d > 1
        // P = conj(a) b g, in double precision.
        let n = a.complexCount
        var pr = [Double](repeating: 0, count: n), pi = [Double](repeating: 0, count: n)
        for k in 0..<n {
            let ar = Double(a.storage[2 * k]), ai = Double(a.storage[2 * k + 1])
            let br = Double(b.storage[2 * k]), bi = Double(b.storage[2 * k + 1])
            let g = Double(gaussian[k]) * ((k % hw == 0 || (w % 2 == 0 && k % hw == hw - 1)) ? 1 : 2)
            pr[k] = (ar * br + ai * bi) * g
            pi[k] = (ar * bi - ai * br) * g
        }
        func frequency(_ k: Int, _ size: Int, half: Bool) -> Double {
            Double(half || k <= size / 2 ? k : k - size) / Double(size)
        }
        let fx = (0..<hw).map { frequency($0, w, half: true) }
        let fy = (0..<h).map { frequency($0, h, half: false) }
        let fz = (0..<d).map { frequency($0, d, half: false) }
        var s = SIMD3(peak.dx, peak.dy, peak.dz)
        let twoPi = 2 * Double.pi
        // Newton converges in two or three steps from the three-point estimate.
        for _ in 0..<5 {
            // exp(2 pi i f s) per axis.
            let ex = fx.map { (cos(twoPi * $0 * s.x), sin(twoPi * $0 * s.x)) }
            let ey = fy.map { (cos(twoPi * $0 * s.y), sin(twoPi * $0 * s.y)) }
            let ez = fz.map { (cos(twoPi * $0 * s.z), sin(twoPi * $0 * s.z)) }
            var g = SIMD3<Double>.zero
            var hxx = 0.0, hyy = 0.0, hzz = 0.0, hxy = 0.0, hxz = 0.0, hyz = 0.0
            for kz in 0..<d {
                for ky in 0..<h {
                    let (yr, yi) = (ey[ky].0 * ez[kz].0 - ey[ky].1 * ez[kz].1, ey[ky].0 * ez[kz].1 + ey[ky].1 * ez[kz].0)
                    let base = (kz * h + ky) * hw
                    let fyk = fy[ky], fzk = fz[kz]
                    for kx in 0..<hw {
                        let er = ex[kx].0 * yr - ex[kx].1 * yi, ei = ex[kx].0 * yi + ex[kx].1 * yr
                        let k = base + kx
                        let re = pr[k] * er - pi[k] * ei, im = pr[k] * ei + pi[k] * er
                        let fxk = fx[kx]
                        // d/ds_a Re(P e^{i theta}) = -2 pi f_a Im(...); second derivatives -(2 pi)^2 f_a f_b Re(...).
                        g.x -= fxk * im; g.y -= fyk * im
                        hxx -= fxk * fxk * re; hyy -= fyk * fyk * re; hxy -= fxk * fyk * re
                        if threeD { g.z -= fzk * im; hzz -= fzk * fzk * re; hxz -= fxk * fzk * re; hyz -= fyk * fzk * re }
                    }
                }
            }
            // Gradient and Hessian share the factors 2 pi and (2 pi)^2: the step is g / (2 pi) over H / (2 pi)^2.
            g *= twoPi
            let c2 = twoPi * twoPi
            hxx *= c2; hyy *= c2; hxy *= c2; hzz *= c2; hxz *= c2; hyz *= c2
            var step = SIMD3<Double>.zero
            if threeD {
                // Solve H step = -g (3 x 3, Cramer's rule).
                let det = hxx * (hyy * hzz - hyz * hyz) - hxy * (hxy * hzz - hyz * hxz) + hxz * (hxy * hyz - hyy * hxz)
                guard det < 0 else { return peak }
                let bx = -g.x, by = -g.y, bz = -g.z
                step.x = (bx * (hyy * hzz - hyz * hyz) - hxy * (by * hzz - hyz * bz) + hxz * (by * hyz - hyy * bz)) / det
                step.y = (hxx * (by * hzz - hyz * bz) - bx * (hxy * hzz - hyz * hxz) + hxz * (hxy * bz - by * hxz)) / det
                step.z = (hxx * (hyy * bz - by * hyz) - hxy * (hxy * bz - by * hxz) + bx * (hxy * hyz - hyy * hxz)) / det
            } else {
                let det = hxx * hyy - hxy * hxy
                guard det > 0, hxx < 0 else { return peak }
                step.x = (-g.x * hyy + g.y * hxy) / det
                step.y = (-g.y * hxx + g.x * hxy) / det
            }
            s += step
            guard abs(s.x - peak.dx) < 1, abs(s.y - peak.dy) < 1, abs(s.z - peak.dz) < 1 else { return peak }
            if max(abs(step.x), abs(step.y), abs(step.z)) < 1e-5 { break }
        }
        var out = peak
        out.dx = s.x; out.dy = s.y; out.dz = s.z
        return out
    }
}
