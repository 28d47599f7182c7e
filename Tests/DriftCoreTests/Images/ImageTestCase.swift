import DriftCore
import Foundation
import XCTest

/// What the image engine's tests share: Gaussian spots sampled or integrated over pixels, and fields
/// placed on a correlation grid (pixel units; z in slices). Test classes derive from it.
class ImageTestCase: XCTestCase {
    /// A spot (pixel units; z in slices) with an amplitude.
    struct Spot {
        var x: Double, y: Double, z: Double = 0
        var amplitude: Double = 1
    }

    /// Gaussians sampled at pixel centres (x fastest, then y, then z): value at (i, j, k) is
    /// sum a exp(-((i-x)^2 + (j-y)^2) / (2 sigma^2) - (k-z)^2 / (2 sigmaZ^2)).
    func sampledGaussians(_ spots: [Spot], width: Int, height: Int, depth: Int = 1,
                          sigma: Double, sigmaZ: Double = 1) -> [Float] {
        var out = [Double](repeating: 0, count: width * height * depth)
        for s in spots {
            for k in 0..<depth {
                let gz = depth > 1 ? exp(-pow(Double(k) - s.z, 2) / (2 * sigmaZ * sigmaZ)) : 1
                for j in 0..<height {
                    let gy = exp(-pow(Double(j) - s.y, 2) / (2 * sigma * sigma))
                    for i in 0..<width {
                        let gx = exp(-pow(Double(i) - s.x, 2) / (2 * sigma * sigma))
                        out[(k * height + j) * width + i] += s.amplitude * gx * gy * gz
                    }
                }
            }
        }
        return out.map { Float($0) }
    }

    /// Gaussians integrated over pixels (pixel i covers [i - 0.5, i + 0.5]; likewise slices in z).
    func integratedGaussians(_ spots: [Spot], width: Int, height: Int, depth: Int = 1,
                             sigma: Double, sigmaZ: Double = 1) -> [Float] {
        func weights(_ n: Int, _ c: Double, _ s: Double) -> [Double] {
            let scale: Double = 1 / (s * 2.0.squareRoot())
            return (0..<n).map { (i: Int) -> Double in
                let upper: Double = erf((Double(i) + 0.5 - c) * scale)
                let lower: Double = erf((Double(i) - 0.5 - c) * scale)
                return 0.5 * (upper - lower)
            }
        }
        var out = [Double](repeating: 0, count: width * height * depth)
        for s in spots {
            let wx = weights(width, s.x, sigma), wy = weights(height, s.y, sigma)
            let wz = depth > 1 ? weights(depth, s.z, sigmaZ) : [1]
            for k in 0..<depth {
                for j in 0..<height {
                    let a = s.amplitude * wz[k] * wy[j]
                    if a == 0 { continue }
                    for i in 0..<width { out[(k * height + j) * width + i] += a * wx[i] }
                }
            }
        }
        return out.map { Float($0) }
    }

    /// What comes off a field before it is placed on the grid.
    enum MeanRemoval { case none, field, eachPlane }

    /// `field` (fieldWidth x fieldHeight x fieldDepth), less its mean over the field or each plane's
    /// own mean (as `ImagePreprocessing.segmentImage` does), placed at the origin of a
    /// `width` x `height` x `depth` array with zeros elsewhere.
    func placed(_ field: [Float], fieldWidth fw: Int, fieldHeight fh: Int, fieldDepth fd: Int = 1,
                width: Int, height: Int, depth: Int = 1, removing removal: MeanRemoval = .field) -> [Float] {
        func mean(_ values: ArraySlice<Float>) -> Float { Float(values.reduce(0.0) { $0 + Double($1) } / Double(values.count)) }
        let fieldMean = mean(field[...])
        var out = [Float](repeating: 0, count: width * height * depth)
        for z in 0..<fd {
            let plane = field[(z * fw * fh)..<((z + 1) * fw * fh)]
            let offset: Float
            switch removal {
            case .none: offset = 0
            case .field: offset = fieldMean
            case .eachPlane: offset = mean(plane)
            }
            for y in 0..<fh {
                for x in 0..<fw { out[(z * height + y) * width + x] = field[(z * fh + y) * fw + x] - offset }
            }
        }
        return out
    }
}
