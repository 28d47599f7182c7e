import DriftCore
import Foundation
import XCTest

/// The continuous (spectral Newton) refinement of correlation peaks (`CrossCorrelator.continuousPeak`).
final class ContinuousPeakTests: ImageTestCase {
    /// 60 pixel-integrated Gaussian spots (sigma 1.3 px) well inside a 128 x 128 field, on a grid
    /// padded by 32 bins.
    struct SpotScene {
        let spots: [Spot]
        let field = 128
        let grid: RenderGrid
        init(seed: UInt64) {
            var rng = RandomSource(seed: seed)
            spots = (0..<60).map { _ in Spot(x: rng.uniform(12, 116), y: rng.uniform(12, 116), amplitude: rng.uniform(0.5, 1.5)) }
            grid = RenderGrid(widthNm: 128, heightNm: 128, binNm: 1, padBins: 32)
        }

        var correlator: CrossCorrelator {
            CrossCorrelator(width: grid.width, height: grid.height, maxShiftBins: 8, smoothingBins: 1)
        }
    }

    /// The scene with its spots rendered at positions + `s` (not Fourier-shifted), placed on its grid.
    func sceneImage(_ scene: SpotScene, shiftedBy s: SIMD2<Double>, removing removal: MeanRemoval = .field) -> [Float] {
        let moved = scene.spots.map { Spot(x: $0.x + s.x, y: $0.y + s.y, amplitude: $0.amplitude) }
        let field = integratedGaussians(moved, width: scene.field, height: scene.field, sigma: 1.3)
        return placed(field, fieldWidth: scene.field, fieldHeight: scene.field,
                      width: scene.grid.width, height: scene.grid.height, removing: removal)
    }

    func testContinuousPeakRecoversKnownSubPixelShifts() {
        let scene = SpotScene(seed: 3)
        let correlator = scene.correlator
        correlator.continuousPeak = true
        let reference = correlator.spectrum(of: sceneImage(scene, shiftedBy: .zero))
        // Measured errors (mean removed): at most 0.0034 px, at (3.5, 1.1) and (-2.73, 0.5).
        for s in [SIMD2(0.25, -0.4), SIMD2(3.5, 1.1), SIMD2(-2.73, 0.5), SIMD2(0, 0)] {
            let moved = correlator.spectrum(of: sceneImage(scene, shiftedBy: s))
            guard let peak = correlator.shift(from: reference, to: moved) else { return XCTFail("no peak for \(s)") }
            XCTAssertEqual(peak.dx, s.x, accuracy: 0.005, "x for \(s): \(peak)")
            XCTAssertEqual(peak.dy, s.y, accuracy: 0.005, "y for \(s): \(peak)")
            XCTAssertEqual(peak.dz, 0)
        }
    }

    /// The spectra cut to the lower half band (as image stacks are correlated): a quarter of the
    /// values, the correlation sampled every 2 bins, the same continuous maximum. Measured worst
    /// error over the shifts: 0.0034 px, as with the whole band.
    func testHalfBandFindsTheSameSubPixelShifts() {
        let scene = SpotScene(seed: 3)
        let whole = scene.correlator
        let half = CrossCorrelator(width: scene.grid.width, height: scene.grid.height, maxShiftBins: 8, smoothingBins: 1, band: 2)
        XCTAssertEqual(half.band, 2)
        XCTAssertEqual(half.fft.width, scene.grid.width / 2)
        whole.continuousPeak = true
        half.continuousPeak = true
        let reference = sceneImage(scene, shiftedBy: .zero)
        let a = half.spectrum(of: reference)
        XCTAssertEqual(a.complexCount * 4, whole.spectrum(of: reference).complexCount + scene.grid.height)
        for s in [SIMD2(0.25, -0.4), SIMD2(3.5, 1.1), SIMD2(-2.73, 0.5), SIMD2(6.2, -7.9)] {
            let moved = sceneImage(scene, shiftedBy: s)
            guard let p = half.shift(from: a, to: half.spectrum(of: moved)),
                  let q = whole.shift(from: whole.spectrum(of: reference), to: whole.spectrum(of: moved)) else {
                return XCTFail("no peak for \(s)")
            }
            XCTAssertEqual(p.dx, s.x, accuracy: 0.005, "x for \(s): \(p)")
            XCTAssertEqual(p.dy, s.y, accuracy: 0.005, "y for \(s): \(p)")
            // The two maxima agree far better than either's error.
            XCTAssertEqual(p.dx, q.dx, accuracy: 0.002, "\(p) against \(q)")
            XCTAssertEqual(p.dy, q.dy, accuracy: 0.002, "\(p) against \(q)")
        }
        // The image the spectrum filler writes is the same as the image handed over.
        let filled = half.spectrum { out in reference.withUnsafeBufferPointer { out.baseAddress!.update(from: $0.baseAddress!, count: $0.count) } }
        XCTAssertEqual(Array(UnsafeBufferPointer(start: filled.floats, count: filled.floatCount)),
                       Array(UnsafeBufferPointer(start: a.floats, count: a.floatCount)))
    }

    /// Worst errors, px, of the continuous and the three-point estimates over shifts (1 + f, -2 + f),
    /// f = 0.0, 0.1, ..., 0.9.
    func sweep(_ scene: SpotScene, removing removal: MeanRemoval) -> (continuous: Double, threePoint: Double)? {
        let correlator = scene.correlator
        let reference = correlator.spectrum(of: sceneImage(scene, shiftedBy: .zero, removing: removal))
        var worstContinuous = 0.0, worstThreePoint = 0.0
        for step in 0..<10 {
            let f = Double(step) / 10
            let s = SIMD2(1 + f, -2 + f)
            let moved = correlator.spectrum(of: sceneImage(scene, shiftedBy: s, removing: removal))
            correlator.continuousPeak = false
            guard let three = correlator.shift(from: reference, to: moved) else { XCTFail("no peak for \(s)"); return nil }
            correlator.continuousPeak = true
            guard let cont = correlator.shift(from: reference, to: moved) else { XCTFail("no peak for \(s)"); return nil }
            worstThreePoint = max(worstThreePoint, abs(three.dx - s.x), abs(three.dy - s.y))
            worstContinuous = max(worstContinuous, abs(cont.dx - s.x), abs(cont.dy - s.y))
        }
        return (worstContinuous, worstThreePoint)
    }

    func testContinuousPeakBeatsThreePointEstimateOverFractionalSweep() {
        // Mean removed, as images are correlated: measured worst 0.0032 px (continuous) against
        // 0.0108 px (three-point). The continuous peak's remaining error is not its own: the field's
        // edge (the step from -mean to the zero padding) stays put while the spots move and pulls
        // the correlation's true maximum about 0.003 px towards zero shift.
        guard let (continuous, threePoint) = sweep(SpotScene(seed: 4), removing: .field) else { return }
        let message = "worst error: continuous \(continuous) px, three-point \(threePoint) px"
        XCTAssertLessThan(continuous, 0.005, message)
        XCTAssertLessThan(continuous, threePoint / 2, message)

        // Spots on a zero background (nothing that stays put): the continuous maximum is the shift
        // itself. Measured worst 1.0e-8 px (continuous) against 0.0078 px (three-point).
        guard let (exact, threePointExact) = sweep(SpotScene(seed: 4), removing: .none) else { return }
        let exactMessage = "worst error without mean removal: continuous \(exact) px, three-point \(threePointExact) px"
        XCTAssertLessThan(exact, 1e-6, exactMessage)
        XCTAssertLessThan(100 * exact, threePointExact, exactMessage)
    }

    func testContinuousPeakIn3D() throws {
        let field = 64, depth = 16, sigma = 1.3, sigmaZ = 2.0
        var rng = RandomSource(seed: 8)
        // Spots in the middle slices, so that their z tails are not cut off by the stack's ends.
        let spots = (0..<40).map { _ in
            Spot(x: rng.uniform(10, 54), y: rng.uniform(10, 54), z: rng.uniform(7, 9), amplitude: rng.uniform(0.5, 1.5))
        }
        let grid = RenderGrid(widthNm: Double(field), heightNm: Double(field), binNm: 1, padBins: 16,
                              depthNm: Double(depth), binZNm: 1, padBinsZ: 8)
        XCTAssertEqual(grid.fieldDepth, depth)
        XCTAssertTrue(grid.is3D)
        func image(_ s: SIMD3<Double>, _ removal: MeanRemoval) -> [Float] {
            let moved = spots.map { Spot(x: $0.x + s.x, y: $0.y + s.y, z: $0.z + s.z, amplitude: $0.amplitude) }
            let f = integratedGaussians(moved, width: field, height: field, depth: depth, sigma: sigma, sigmaZ: sigmaZ)
            return placed(f, fieldWidth: field, fieldHeight: field, fieldDepth: depth,
                          width: grid.width, height: grid.height, depth: grid.depth, removing: removal)
        }
        let correlator = CrossCorrelator(width: grid.width, height: grid.height, depth: grid.depth,
                                         maxShiftBins: 6, maxShiftBinsZ: 3, smoothingBins: 1)
        let s = SIMD3(0.3, -0.6, 0.45)
        // Each plane's mean removed, as `segmentImage` does. Measured errors: continuous
        // (-0.0044, 0.0085, -0.00003); three-point (0.00001, 0.0107, -0.0020). (With the mean over the
        // whole volume removed instead, the continuous errors are (-0.0021, 0.0040, -0.0162).)
        let reference = correlator.spectrum(of: image(.zero, .eachPlane))
        let moved = correlator.spectrum(of: image(s, .eachPlane))
        correlator.continuousPeak = false
        let three = try XCTUnwrap(correlator.shift(from: reference, to: moved))
        XCTAssertEqual(three.dx, s.x, accuracy: 0.02, "\(three)")
        XCTAssertEqual(three.dy, s.y, accuracy: 0.02, "\(three)")
        XCTAssertEqual(three.dz, s.z, accuracy: 0.02, "\(three)")
        correlator.continuousPeak = true
        guard let peak = correlator.shift(from: reference, to: moved) else { return XCTFail("no peak") }
        XCTAssertEqual(peak.dx, s.x, accuracy: 0.02, "\(peak)")
        XCTAssertEqual(peak.dy, s.y, accuracy: 0.02, "\(peak)")
        XCTAssertEqual(peak.dz, s.z, accuracy: 0.02, "\(peak)")

        // Without anything that stays put, the 3D Newton step lands on the shift itself. Measured:
        // (4e-8, 9e-8, 4.9e-5); the z residual comes from the spots' z tails cut at the stack's ends.
        let rawReference = correlator.spectrum(of: image(.zero, .none))
        guard let exact = correlator.shift(from: rawReference, to: correlator.spectrum(of: image(s, .none))) else {
            return XCTFail("no peak")
        }
        XCTAssertEqual(exact.dx, s.x, accuracy: 2e-4, "\(exact)")
        XCTAssertEqual(exact.dy, s.y, accuracy: 2e-4, "\(exact)")
        XCTAssertEqual(exact.dz, s.z, accuracy: 2e-4, "\(exact)")
    }
}
