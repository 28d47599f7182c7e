import DriftCore
import Foundation
import XCTest

/// The sub-pixel Fourier shifter.
final class FourierShifterTests: ImageTestCase {
    func testWholePixelShiftMovesPixels() {
        let w = 48, h = 40
        var rng = RandomSource(seed: 11)
        let image = (0..<(w * h)).map { _ in Float(rng.uniform(-1, 1)) }
        let shifter = FourierShifter(width: w, height: h, pad: 2)
        for s in [SIMD2(3, -2), SIMD2(-5, 7), SIMD2(0, 0), SIMD2(1, 0)] {
            let out = shifter.shifted(image, by: SIMD3(Double(s.x), Double(s.y), 0))
            var worst: Float = 0
            // Interior: pixels whose source lies inside the field, 2 px away from every edge.
            for y in 2..<(h - 2) {
                for x in 2..<(w - 2) {
                    let sx = x - s.x, sy = y - s.y
                    guard sx >= 0, sx < w, sy >= 0, sy < h else { continue }
                    worst = max(worst, abs(out[y * w + x] - image[sy * w + sx]))
                }
            }
            // The image's values span [-1, 1], so this is relative to its peak. Measured: 3e-7.
            XCTAssertLessThan(worst, 1e-5, "whole-pixel shift \(s): max error \(worst)")
        }
    }

    func testSubPixelShiftOfSmoothImageMatchesAnalyticShift() {
        let w = 64, h = 56, sigma = 2.5
        var rng = RandomSource(seed: 5)
        let spots = (0..<12).map { _ in Spot(x: rng.uniform(18, 46), y: rng.uniform(18, 38), amplitude: rng.uniform(0.5, 1.5)) }
        let image = sampledGaussians(spots, width: w, height: h, sigma: sigma)
        let peak = image.max()!
        let shifter = FourierShifter(width: w, height: h)
        for s in [SIMD3(0.37, -1.62, 0), SIMD3(-2.85, 0.5, 0), SIMD3(0.01, 0.99, 0)] {
            let out = shifter.shifted(image, by: s)
            let moved = spots.map { Spot(x: $0.x + s.x, y: $0.y + s.y, amplitude: $0.amplitude) }
            let expected = sampledGaussians(moved, width: w, height: h, sigma: sigma)
            let worst = zip(out, expected).map { abs($0 - $1) }.max()!
            // Measured: 1.7e-7 of the peak (float precision; the Gaussians are band-limited to 1e-9).
            XCTAssertLessThan(worst / peak, 1e-5, "shift \(s): max error \(worst / peak) of the peak")
        }
    }

    func testShiftThereAndBackReturnsOriginal() {
        let w = 64, h = 64, sigma = 2.0
        var rng = RandomSource(seed: 9)
        let spots = (0..<15).map { _ in Spot(x: rng.uniform(14, 50), y: rng.uniform(14, 50), amplitude: rng.uniform(0.5, 1.5)) }
        let image = sampledGaussians(spots, width: w, height: h, sigma: sigma)
        let peak = image.max()!
        let shifter = FourierShifter(width: w, height: h)
        let s = SIMD3(1.37, -2.62, 0.0)
        let back = shifter.shifted(shifter.shifted(image, by: s), by: -s)
        var worst: Float = 0
        for y in 8..<(h - 8) {
            for x in 8..<(w - 8) { worst = max(worst, abs(back[y * w + x] - image[y * w + x])) }
        }
        // Measured: 2.5e-7 of the peak. (A white-noise image does not come back: its content at the
        // Nyquist frequency and what left the field are lost, 0.2 to 0.3 of its range 16 px in.)
        XCTAssertLessThan(worst / peak, 1e-5, "round trip: max interior error \(worst / peak) of the peak")
    }

    func testVolumeShiftIncludingZMatchesAnalyticShift() {
        let w = 32, h = 28, d = 24, sigma = 2.0, sigmaZ = 2.0
        var rng = RandomSource(seed: 17)
        // Far enough from every face (before and after the shift) that no tail is cut off: the
        // analytic Gaussians and the sampled ones then hold the same content.
        let spots = (0..<6).map { _ in
            Spot(x: rng.uniform(12, 20), y: rng.uniform(11, 17), z: rng.uniform(11, 12.5), amplitude: rng.uniform(0.5, 1.5))
        }
        let image = sampledGaussians(spots, width: w, height: h, depth: d, sigma: sigma, sigmaZ: sigmaZ)
        let peak = image.max()!
        let shifter = FourierShifter(width: w, height: h, depth: d)
        for s in [SIMD3(0.6, -1.3, 0.8), SIMD3(-0.25, 0.4, -1.45), SIMD3(0, 0, 2)] {
            let out = shifter.shifted(image, by: s)
            let moved = spots.map { Spot(x: $0.x + s.x, y: $0.y + s.y, z: $0.z + s.z, amplitude: $0.amplitude) }
            let expected = sampledGaussians(moved, width: w, height: h, depth: d, sigma: sigma, sigmaZ: sigmaZ)
            let worst = zip(out, expected).map { abs($0 - $1) }.max()!
            // Measured: 2.5e-7 of the peak at most.
            XCTAssertLessThan(worst / peak, 1e-5, "3D shift \(s): max error \(worst / peak) of the peak")
        }
    }

    func testContentMovedOutOfTheFieldDoesNotWrapRound() {
        let w = 64, h = 48
        let image = sampledGaussians([Spot(x: 60, y: 24)], width: w, height: h, sigma: 1.5)
        let s = SIMD3(5.0, 0, 0)
        func leftEdgeMaximum(_ out: [Float]) -> Float {
            var m: Float = 0
            for y in 0..<h { for x in 0..<4 { m = max(m, abs(out[y * w + x])) } }
            return m
        }
        let padded = FourierShifter(width: w, height: h, pad: 2).shifted(image, by: s)
        let leftPadded = leftEdgeMaximum(padded)
        // Measured: 6e-8.
        XCTAssertLessThan(leftPadded, 1e-5, "pad 2: left edge reached \(leftPadded) (spot peak 1)")
        // What is left in the field is the spot's left tail, moved right: at x = 63 the value of x = 58.
        XCTAssertEqual(padded[24 * w + 63], image[24 * w + 58], accuracy: 1e-5)
        // Without padding the transform is circular and the spot comes round to x = 1.
        let circular = FourierShifter(width: w, height: h, pad: 1).shifted(image, by: s)
        XCTAssertGreaterThan(leftEdgeMaximum(circular), 0.5, "pad 1 should wrap the spot round (sanity check of the test)")
    }
}
