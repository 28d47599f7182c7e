import Foundation

/// The maximum of a correlation as the continuous function its (smoothed) cross-power spectrum P
/// defines, c(s) = sum_k m_k Re(P_k exp(2 pi i f_k . s)), found by Newton steps from a sampled
/// estimate with the gradient and Hessian summed over the spectrum. Unlike a fit to three samples it
/// has no bias towards whole bins (for images, whose correlation peak is not a Gaussian). The
/// spectrum may hold only a band of the grid's frequencies (`CrossCorrelator.band`): the maximum of
/// the band-limited correlation of two translated images is still at their shift.
///
/// Holds its work arrays, so one instance serves one thread.
final class SpectralPeak {
    /// Frequencies of the spectrum's columns, rows and planes, cycles per grid bin.
    private let fx: [Double], fy: [Double], fz: [Double]
    private let fx2: [Double]
    private let columns: Int, rows: Int, planes: Int
    /// 3D: P's real and imaginary parts (smoothing and the half spectrum's mirror weight applied),
    /// and the phases per column and per plane. Both paths: the phases per row.
    private var pr: [Double], pi: [Double]
    private var ex: [Double], ey: [Double], ez: [Double]
    /// 2D: P and the column phases and frequencies in single precision, split in real and
    /// imaginary parts, for 8-wide vector sums (each row's sums go on in double precision).
    private var pr32: [Float], pi32: [Float], cos32: [Float], sin32: [Float]
    private let fx32: [Float], fx2_32: [Float]
    private var weights32: [Float] = []

    /// `width` x `height` x `depth`: the grid; the spectra are the half spectra of `bandWidth` x
    /// `bandHeight` x `depth` images (the grid's own size when the band is whole).
    init(width: Int, height: Int, depth: Int, bandWidth: Int, bandHeight: Int) {
        columns = bandWidth / 2 + 1
        rows = bandHeight
        planes = depth
        fx = (0..<columns).map { Double($0) / Double(width) }
        fx2 = fx.map { $0 * $0 }
        fy = (0..<bandHeight).map { Double($0 <= bandHeight / 2 ? $0 : $0 - bandHeight) / Double(height) }
        fz = (0..<depth).map { Double($0 <= depth / 2 ? $0 : $0 - depth) / Double(depth) }
        let n = columns * rows * planes
        pr = [Double](repeating: 0, count: depth > 1 ? n : 0)
        pi = pr
        ex = [Double](repeating: 0, count: depth > 1 ? 2 * columns : 0)
        ez = [Double](repeating: 0, count: depth > 1 ? 2 * depth : 0)
        pr32 = [Float](repeating: 0, count: depth == 1 ? n : 0)
        pi32 = pr32
        cos32 = [Float](repeating: 0, count: columns)
        sin32 = cos32
        fx32 = fx.map { Float($0) }
        fx2_32 = fx2.map { Float($0) }
        ey = [Double](repeating: 0, count: 2 * rows)
        let even = bandWidth % 2 == 0, last = bandWidth / 2
        mirror = (0...last).map { ($0 == 0 || (even && $0 == last)) ? 1 : 2 }
    }

    /// 1 for the columns that stand only for themselves (frequency 0 and Nyquist), else 2.
    private let mirror: [Double]

    /// `peak` (bins) refined to the continuous maximum of the correlation of `a` with `b` (`gaussian`
    /// the smoothing on their layout), with the correlation's height there; `peak` itself if a step
    /// leaves `reach` bins of it in x or y (1 in z) or the curvature is not that of a maximum.
    func refine(_ peak: PeakEstimate, _ a: Spectrum, _ b: Spectrum, gaussian: UnsafeBufferPointer<Float>,
                reach: Double) -> PeakEstimate {
        let n = a.complexCount
        precondition(n == columns * rows * planes && b.complexCount == n)
        let threeD = planes > 1
        let pa = a.storage, pb = b.storage
        let columns = columns
        if !threeD {
            // The smoothing times the mirror weight, once (the same for every pair).
            if weights32.count != n {
                weights32 = (0..<n).map { gaussian[$0] * Float(mirror[$0 % columns]) }
            }
            pr32.withUnsafeMutableBufferPointer { pr in
                pi32.withUnsafeMutableBufferPointer { pi in
                    weights32.withUnsafeBufferPointer { g in
                        for k in 0..<n {
                            let ar = pa[2 * k], ai = pa[2 * k + 1], br = pb[2 * k], bi = pb[2 * k + 1]
                            pr[k] = (ar * br + ai * bi) * g[k]
                            pi[k] = (ar * bi - ai * br) * g[k]
                        }
                    }
                }
            }
        } else {
        pr.withUnsafeMutableBufferPointer { pr in
            pi.withUnsafeMutableBufferPointer { pi in
                mirror.withUnsafeBufferPointer { mirror in
                    for row in 0..<(n / columns) {
                        let base = row * columns
                        for kx in 0..<columns {
                            let k = base + kx
                            let ar = Double(pa[2 * k]), ai = Double(pa[2 * k + 1])
                            let br = Double(pb[2 * k]), bi = Double(pb[2 * k + 1])
                            let g = Double(gaussian[k]) * mirror[kx]
                            pr[k] = (ar * br + ai * bi) * g
                            pi[k] = (ar * bi - ai * br) * g
                        }
                    }
                }
            }
        }
        }
        var s = SIMD3(peak.dx, peak.dy, peak.dz)
        var height = peak.height
        let twoPi = 2 * Double.pi
        // Newton converges in two to four steps from the sampled estimate.
        for _ in 0..<6 {
            let (g, h, value) = threeD ? derivatives3D(at: s) : derivatives2D(at: s)
            height = value
            // Gradient and Hessian share the factors 2 pi and (2 pi)^2: the step is g / (2 pi) over H / (2 pi)^2.
            let gg = g * twoPi
            let c2 = twoPi * twoPi
            let hxx = h.0 * c2, hyy = h.1 * c2, hzz = h.2 * c2, hxy = h.3 * c2, hxz = h.4 * c2, hyz = h.5 * c2
            var step = SIMD3<Double>.zero
            if threeD {
                // Solve H step = -g (3 x 3, Cramer's rule).
                let det = hxx * (hyy * hzz - hyz * hyz) - hxy * (hxy * hzz - hyz * hxz) + hxz * (hxy * hyz - hyy * hxz)
                guard det < 0 else { return peak }
                let bx = -gg.x, by = -gg.y, bz = -gg.z
                step.x = (bx * (hyy * hzz - hyz * hyz) - hxy * (by * hzz - hyz * bz) + hxz * (by * hyz - hyy * bz)) / det
                step.y = (hxx * (by * hzz - hyz * bz) - bx * (hxy * hzz - hyz * hxz) + hxz * (hxy * bz - by * hxz)) / det
                step.z = (hxx * (hyy * bz - by * hyz) - hxy * (hxy * bz - by * hxz) + bx * (hxy * hyz - hyy * hxz)) / det
            } else {
                let det = hxx * hyy - hxy * hxy
                guard det > 0, hxx < 0 else { return peak }
                step.x = (-gg.x * hyy + gg.y * hxy) / det
                step.y = (-gg.y * hxx + gg.x * hxy) / det
            }
            s += step
            guard abs(s.x - peak.dx) < reach, abs(s.y - peak.dy) < reach, abs(s.z - peak.dz) < 1 else { return peak }
            // Newton converges quadratically: after a step under 2e-3 bins the error is of the order
            // of its square, far below that of any one pair's shift.
            if max(abs(step.x), abs(step.y), abs(step.z)) < 2e-3 { break }
        }
        var out = peak
        out.dx = s.x; out.dy = s.y; out.dz = s.z
        // The height at the maximum (at the last point evaluated, within 0.002 bins of it), not at
        // the sample, which may lie up to a sample spacing away and so would make the pair's
        // quality and weight depend on where the shift falls between samples.
        out.height = height
        return out
    }

    /// Fills `table` with cos and sin of 2 pi f s for each frequency f.
    private static func phases(_ f: [Double], _ s: Double, into table: inout [Double]) {
        let w = 2 * Double.pi * s
        for k in f.indices { table[2 * k] = cos(w * f[k]); table[2 * k + 1] = sin(w * f[k]) }
    }

    /// Gradient and Hessian (xx, yy, zz, xy, xz, yz) of c / (2 pi) and c / (2 pi)^2 at `s`, and c, 2D: the
    /// sums over each row first (the row's phase is one factor), so a value costs one complex product,
    /// 8 columns at a time.
    private func derivatives2D(at s: SIMD3<Double>) -> (SIMD3<Double>, (Double, Double, Double, Double, Double, Double), Double) {
        let w = 2 * Double.pi * s.x
        for k in fx.indices { cos32[k] = Float(cos(w * fx[k])); sin32[k] = Float(sin(w * fx[k])) }
        Self.phases(fy, s.y, into: &ey)
        var gx = 0.0, gy = 0.0, hxx = 0.0, hyy = 0.0, hxy = 0.0, value = 0.0
        let columns = columns, vectors = columns / 8
        typealias V = SIMD8<Float>
        pr32.withUnsafeBufferPointer { pr in
            pi32.withUnsafeBufferPointer { pi in
                cos32.withUnsafeBufferPointer { ec in
                    sin32.withUnsafeBufferPointer { es in
                        fx32.withUnsafeBufferPointer { fx in
                            fx2_32.withUnsafeBufferPointer { fx2 in
                                func load(_ p: UnsafeBufferPointer<Float>, _ at: Int) -> V {
                                    UnsafeRawPointer(p.baseAddress! + at).loadUnaligned(as: V.self)
                                }
                                for ky in 0..<rows {
                                    // Row sums of z = P e^{2 pi i fx sx}: A = sum z, B = sum fx z, C = sum fx^2 z.
                                    var var_ = V(), vai = V(), vbr = V(), vbi = V(), vcr = V(), vci = V()
                                    let base = ky * columns
                                    for v in 0..<vectors {
                                        let kx = 8 * v
                                        let p = load(pr, base + kx), q = load(pi, base + kx)
                                        let c = load(ec, kx), sn = load(es, kx), f = load(fx, kx), f2 = load(fx2, kx)
                                        let zr = p * c - q * sn, zi = p * sn + q * c
                                        var_ += zr; vai += zi
                                        vbr += f * zr; vbi += f * zi
                                        vcr += f2 * zr; vci += f2 * zi
                                    }
                                    var ar = Double(var_.sum()), ai = Double(vai.sum()), br = Double(vbr.sum())
                                    var bi = Double(vbi.sum()), cr = Double(vcr.sum()), ci = Double(vci.sum())
                                    for kx in (8 * vectors)..<columns {
                                        let p = pr[base + kx], q = pi[base + kx]
                                        let zr = Double(p * ec[kx] - q * es[kx]), zi = Double(p * es[kx] + q * ec[kx])
                                        ar += zr; ai += zi
                                        br += Double(fx[kx]) * zr; bi += Double(fx[kx]) * zi
                                        cr += Double(fx2[kx]) * zr; ci += Double(fx2[kx]) * zi
                                    }
                                    // Times the row's phase e^{2 pi i fy sy}: only Re and Im of each are needed.
                                    let yc = ey[2 * ky], ys = ey[2 * ky + 1], f = fy[ky]
                                    let reA = ar * yc - ai * ys, imA = ar * ys + ai * yc
                                    let reB = br * yc - bi * ys, imB = br * ys + bi * yc
                                    let reC = cr * yc - ci * ys
                                    // d/ds_a Re(P e^{i theta}) = -2 pi f_a Im(...); second derivatives -(2 pi)^2 f_a f_b Re(...).
                                    gx -= imB; gy -= f * imA
                                    hxx -= reC; hyy -= f * f * reA; hxy -= f * reB
                                    value += reA
                                }
                            }
                        }
                    }
                }
            }
        }
        return (SIMD3(gx, gy, 0), (hxx, hyy, 0, hxy, 0, 0), value)
    }

    /// As `derivatives2D`, over every plane too.
    private func derivatives3D(at s: SIMD3<Double>) -> (SIMD3<Double>, (Double, Double, Double, Double, Double, Double), Double) {
        Self.phases(fx, s.x, into: &ex)
        Self.phases(fy, s.y, into: &ey)
        Self.phases(fz, s.z, into: &ez)
        var g = SIMD3<Double>.zero
        var hxx = 0.0, hyy = 0.0, hzz = 0.0, hxy = 0.0, hxz = 0.0, hyz = 0.0, value = 0.0
        for kz in 0..<planes {
            for ky in 0..<rows {
                let yr = ey[2 * ky] * ez[2 * kz] - ey[2 * ky + 1] * ez[2 * kz + 1]
                let yi = ey[2 * ky] * ez[2 * kz + 1] + ey[2 * ky + 1] * ez[2 * kz]
                let base = (kz * rows + ky) * columns
                let fyk = fy[ky], fzk = fz[kz]
                for kx in 0..<columns {
                    let er = ex[2 * kx] * yr - ex[2 * kx + 1] * yi, ei = ex[2 * kx] * yi + ex[2 * kx + 1] * yr
                    let k = base + kx
                    let re = pr[k] * er - pi[k] * ei, im = pr[k] * ei + pi[k] * er
                    let fxk = fx[kx]
                    g.x -= fxk * im; g.y -= fyk * im; g.z -= fzk * im
                    hxx -= fxk * fxk * re; hyy -= fyk * fyk * re; hxy -= fxk * fyk * re
                    hzz -= fzk * fzk * re; hxz -= fxk * fzk * re; hyz -= fyk * fzk * re
                    value += re
                }
            }
        }
        return (g, (hxx, hyy, hzz, hxy, hxz, hyz), value)
    }
}
