import Foundation

/// A histogram of localisation counts on a fine grid, used as the reference that each short segment
/// is aligned to during refinement. Counts are integers, so adding and removing a segment's own
/// localisations is exact, and sums over processes do not depend on their order.
public struct ReferenceDensity: Sendable {
    /// Bin size, nm.
    public let binNm: Double
    /// Lower corner of bin (0, 0), nm.
    public let originX: Double
    public let originY: Double
    /// Size, bins.
    public let width: Int
    public let height: Int
    /// Row-major counts (y rows, x fastest).
    public var counts: [Int32]

    /// A grid of `binNm` bins covering [originX, originX + widthNm) x [originY, originY + heightNm).
    public init(originX: Double, originY: Double, widthNm: Double, heightNm: Double, binNm: Double) {
        precondition(binNm > 0 && widthNm > 0 && heightNm > 0)
        self.binNm = binNm
        self.originX = originX
        self.originY = originY
        width = Int((widthNm / binNm).rounded(.up))
        height = Int((heightNm / binNm).rounded(.up))
        counts = [Int32](repeating: 0, count: width * height)
    }

    /// Adds `weight` (usually +1 or -1) at the nearest bin of each point (nm); points outside are skipped.
    public mutating func add(x: ArraySlice<Float>, y: ArraySlice<Float>, weight: Int32 = 1) {
        let inv = 1 / binNm
        let w = width, h = height
        counts.withUnsafeMutableBufferPointer { c in
            var j = y.startIndex
            for i in x.indices {
                let fx = ((Double(x[i]) - originX) * inv).rounded(.down)
                let fy = ((Double(y[j]) - originY) * inv).rounded(.down)
                j += 1
                if fx >= 0 && fx < Double(w) && fy >= 0 && fy < Double(h) { c[Int(fy) * w + Int(fx)] &+= weight }
            }
        }
    }

    /// Sets every count to zero (keeping the memory).
    public mutating func reset() {
        counts.withUnsafeMutableBufferPointer { $0.update(repeating: 0) }
    }

    /// The same counts in bins `factor` times larger (sums of factor x factor blocks).
    public func coarsened(by factor: Int) -> ReferenceDensity {
        var out = ReferenceDensity(originX: originX, originY: originY,
                                   widthNm: Double(width) * binNm, heightNm: Double(height) * binNm,
                                   binNm: binNm * Double(factor))
        let ow = out.width
        out.counts.withUnsafeMutableBufferPointer { o in
            counts.withUnsafeBufferPointer { c in
                for iy in 0..<height {
                    let row = (iy / factor) * ow
                    for ix in 0..<width { o[row + ix / factor] &+= c[iy * width + ix] }
                }
            }
        }
        return out
    }

    /// Centre of bin index `i` along x or y, nm.
    @inline(__always) func centreX(_ i: Int) -> Double { originX + (Double(i) + 0.5) * binNm }
    @inline(__always) func centreY(_ i: Int) -> Double { originY + (Double(i) + 0.5) * binNm }
}

/// Aligns a set of localisations to a `ReferenceDensity`: it finds the shift s that maximises
/// f(s) = sum_j sum_b count_b * exp(-|c_b - x_j - s|^2 / (2 sigma^2)), the Gaussian-smoothed
/// correlation between the points and the reference, at full localisation precision (the points
/// themselves are not binned). Newton steps on f (gradient and Hessian summed over the same kernel
/// terms) converge in a few iterations; where the Hessian is not negative definite the step falls
/// back to mean-shift (the kernel-weighted mean offset), which never decreases f.
public enum MeanShiftAligner {
    public struct Alignment: Equatable, Sendable {
        /// Shift that lays the points onto the reference, nm.
        public var shift: SIMD2<Double>
        /// Kernel-weighted reference counts at the optimum (0: nothing to align to).
        public var support: Double
        public var iterations: Int
    }

    /// `x`, `y` in nm; `start` is the first guess of the shift (nm). Steps are limited to sigma.
    public static func align(x: ArraySlice<Float>, y: ArraySlice<Float>, to reference: ReferenceDensity,
                             sigmaNm: Double, start: SIMD2<Double> = .zero,
                             tolerance: Double = 0.005, maxIterations: Int = 50) -> Alignment {
        precondition(x.count == y.count)
        let radius = 2.0 * sigmaNm
        let inv2s2 = 1 / (2 * sigmaNm * sigmaNm)
        let s2 = sigmaNm * sigmaNm
        let b = reference.binNm, w = reference.width, h = reference.height
        let span = Int((2 * radius / b).rounded(.up)) + 2
        let scratch = UnsafeMutablePointer<Double>.allocate(capacity: 4 * span)
        defer { scratch.deallocate() }
        let wy = scratch + span, dys = scratch + 3 * span
        let scratchF = UnsafeMutablePointer<Float>.allocate(capacity: 2 * span)
        defer { scratchF.deallocate() }
        let wxf = scratchF, dxf = scratchF + span
        let ox = reference.originX, oy = reference.originY
        var s = start
        var support = 0.0
        var iterations = 0
        reference.counts.withUnsafeBufferPointer { c in
            while iterations < maxIterations {
                iterations += 1
                // Sums of K, K dx, K dy, K dx^2, K dy^2, K dx dy over all points and bins.
                var k0 = 0.0, kx = 0.0, ky = 0.0, kxx = 0.0, kyy = 0.0, kxy = 0.0
                var j = y.startIndex
                for i in x.indices {
                    let px = Double(x[i]) + s.x, py = Double(y[j]) + s.y
                    j += 1
                    // Points beyond the reference (or not finite) have nothing to align to.
                    guard px > ox - radius, px < ox + Double(w) * b + radius,
                          py > oy - radius, py < oy + Double(h) * b + radius else { continue }
                    let ix0 = max(0, Int(((px - radius - ox) / b).rounded(.down)))
                    let ix1 = min(w - 1, Int(((px + radius - ox) / b).rounded(.down)))
                    let iy0 = max(0, Int(((py - radius - oy) / b).rounded(.down)))
                    let iy1 = min(h - 1, Int(((py + radius - oy) / b).rounded(.down)))
                    guard ix0 <= ix1, iy0 <= iy1 else { continue }
                    let nx = ix1 - ix0 + 1, ny = iy1 - iy0 + 1
                    for k in 0..<nx {
                        let d = ox + (Double(ix0 + k) + 0.5) * b - px
                        dxf[k] = Float(d)
                        wxf[k] = Float(exp(-d * d * inv2s2))
                    }
                    for k in 0..<ny {
                        let d = oy + (Double(iy0 + k) + 0.5) * b - py
                        dys[k] = d
                        wy[k] = exp(-d * d * inv2s2)
                    }
                    for k in 0..<ny {
                        let row = (iy0 + k) * w + ix0
                        // A row of a few bins: single precision is plenty, and the sums stay in Double.
                        var sumF: Float = 0, sumXF: Float = 0, sumXXF: Float = 0
                        for m in 0..<nx {
                            let v = Float(c[row + m]) * wxf[m]
                            sumF += v
                            sumXF += v * dxf[m]
                            sumXXF += v * dxf[m] * dxf[m]
                        }
                        let sum = Double(sumF), sumX = Double(sumXF), sumXX = Double(sumXXF)
                        let dy = dys[k]
                        let wk = wy[k]
                        k0 += wk * sum
                        kx += wk * sumX
                        ky += wk * sum * dy
                        kxx += wk * sumXX
                        kyy += wk * sum * dy * dy
                        kxy += wk * sumX * dy
                    }
                }
                support = k0
                guard k0 > 0 else { break }
                // f's gradient is (kx, ky) / s2; its Hessian ((kxx, kxy), (kxy, kyy)) / s2^2 - k0 / s2.
                let hxx = kxx / (s2 * s2) - k0 / s2, hyy = kyy / (s2 * s2) - k0 / s2, hxy = kxy / (s2 * s2)
                let gx = kx / s2, gy = ky / s2
                let det = hxx * hyy - hxy * hxy
                var step: SIMD2<Double>
                let newton = hxx < 0 && det > 0
                if newton {
                    step = SIMD2(-(hyy * gx - hxy * gy) / det, -(-hxy * gx + hxx * gy) / det)
                } else {
                    step = SIMD2(kx / k0, ky / k0)          // mean-shift
                }
                let length = (step * step).sum().squareRoot()
                if length > sigmaNm { step *= sigmaNm / length }
                s += step
                // A short Newton step lands within about (length / sigma)^2 * length of the optimum:
                // below sigma / 20 that is under 1/400 of the step, so no further iteration is needed.
                if length < tolerance || (newton && length < sigmaNm / 20) { break }
            }
        }
        return Alignment(shift: s, support: support, iterations: iterations)
    }
}
