import Foundation

/// Moves images (2D planes or 3D volumes) by sub-pixel amounts through the Fourier shift theorem:
/// the image is zero-padded to `pad` times its size (rounded up to a size FFTW is fast at), so that
/// what moves out of the field does not wrap round into the other side, transformed, multiplied by
/// the phase ramp of the shift, transformed back and cropped to the original size.
public final class FourierShifter: @unchecked Sendable {
    public let width: Int
    public let height: Int
    public let depth: Int
    let fft: RealFFT

    /// For images of `width` x `height` x `depth` (depth 1: 2D), padded by `pad` (>= 1) in each axis.
    public init(width: Int, height: Int, depth: Int = 1, pad: Double = 2) {
        self.width = width
        self.height = height
        self.depth = depth
        func padded(_ n: Int) -> Int { n == 1 ? 1 : FFTSize.next(atLeast: Int((Double(n) * max(pad, 1)).rounded(.up))) }
        fft = RealFFT(width: padded(width), height: padded(height), depth: padded(depth))
    }

    /// `image` (x fastest, then y, then z) moved by `shift` pixels (x, y) and slices (z): the value at
    /// p in the result is the input's at p - shift.
    public func shifted(_ image: [Float], by shift: SIMD3<Double>) -> [Float] {
        precondition(image.count == width * height * depth)
        let pw = fft.width, ph = fft.height, pd = fft.depth
        var padded = [Float](repeating: 0, count: pw * ph * pd)
        for z in 0..<depth {
            for y in 0..<height {
                let from = (z * height + y) * width, to = (z * ph + y) * pw
                for x in 0..<width { padded[to + x] = image[from + x] }
            }
        }
        let spectrum = fft.forward(padded)
        // exp(-2 pi i k s / N) per axis, multiplied together.
        func ramp(_ n: Int, _ s: Double, half: Bool) -> [(Float, Float)] {
            (0..<(half ? n / 2 + 1 : n)).map { k in
                let f = Double(half || k <= n / 2 ? k : k - n)
                let phase = -2 * Double.pi * f * s / Double(n)
                return (Float(cos(phase)), Float(sin(phase)))
            }
        }
        let rx = ramp(pw, shift.x, half: true), ry = ramp(ph, shift.y, half: false), rz = ramp(pd, pd > 1 ? shift.z : 0, half: false)
        let hw = pw / 2 + 1
        let out = fft.inverse { c in
            for kz in 0..<pd {
                for ky in 0..<ph {
                    let (yzr, yzi) = (ry[ky].0 * rz[kz].0 - ry[ky].1 * rz[kz].1, ry[ky].0 * rz[kz].1 + ry[ky].1 * rz[kz].0)
                    let base = (kz * ph + ky) * hw
                    for kx in 0..<hw {
                        let pr = rx[kx].0 * yzr - rx[kx].1 * yzi, pi = rx[kx].0 * yzi + rx[kx].1 * yzr
                        let k = 2 * (base + kx)
                        let re = spectrum.storage[k], im = spectrum.storage[k + 1]
                        c[k] = re * pr - im * pi
                        c[k + 1] = re * pi + im * pr
                    }
                }
            }
        }
        let scale = 1 / Float(pw * ph * pd)
        var result = [Float](repeating: 0, count: image.count)
        for z in 0..<depth {
            for y in 0..<height {
                let from = (z * ph + y) * pw, to = (z * height + y) * width
                for x in 0..<width { result[to + x] = out[from + x] * scale }
            }
        }
        return result
    }
}
