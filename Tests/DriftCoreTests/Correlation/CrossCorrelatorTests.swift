import DriftCore
import XCTest

final class CrossCorrelatorTests: XCTestCase {
    /// Clustered random points in a 6 x 6 um field, nm.
    func points(seed: UInt64, count: Int = 20_000) -> (x: [Float], y: [Float]) {
        var rng = RandomSource(seed: seed)
        var x: [Float] = [], y: [Float] = []
        let clusters = (0..<300).map { _ in SIMD2(rng.uniform(600, 5400), rng.uniform(600, 5400)) }
        for k in 0..<count {
            let c = clusters[k % clusters.count]
            x.append(Float(c.x + 15 * rng.normal()))
            y.append(Float(c.y + 15 * rng.normal()))
        }
        return (x, y)
    }

    func testKnownSubBinShiftsAreFoundWithin0_02Bin() {
        let grid = RenderGrid(widthNm: 6000, heightNm: 6000, binNm: 20)
        let renderer = Renderer(grid: grid, tukeyAlpha: 0.1)
        let correlator = CrossCorrelator(width: grid.width, height: grid.height, maxShiftBins: 20)
        let (x, y) = points(seed: 7)
        let reference = correlator.spectrum(of: renderer.render(x: x[...], y: y[...]))
        // Shifts in bins, sub-bin parts across the whole range, both signs, integer parts too.
        let shifts: [SIMD2<Double>] = [SIMD2(0.37, -0.62), SIMD2(-3.25, 1.5), SIMD2(0.05, 0.95),
                                       SIMD2(7.81, -5.13), SIMD2(-0.5, 0.0), SIMD2(2.0, -2.0)]
        for s in shifts {
            let xs = x.map { $0 + Float(s.x * grid.binNm) }
            let ys = y.map { $0 + Float(s.y * grid.binNm) }
            let moved = correlator.spectrum(of: renderer.render(x: xs[...], y: ys[...]))
            let peak = correlator.shift(from: reference, to: moved)
            XCTAssertNotNil(peak)
            XCTAssertEqual(peak!.dx, s.x, accuracy: 0.02, "x for shift \(s): \(peak!)")
            XCTAssertEqual(peak!.dy, s.y, accuracy: 0.02, "y for shift \(s): \(peak!)")
        }
    }

    func testKnown3DSubBinShiftsAreFoundWithin0_02Bin() {
        var rng = RandomSource(seed: 21)
        let clusters = (0..<200).map { _ in SIMD3(rng.uniform(500, 3500), rng.uniform(500, 3500), rng.uniform(-300, 300)) }
        var x: [Float] = [], y: [Float] = [], z: [Float] = []
        for k in 0..<20_000 {
            let c = clusters[k % clusters.count]
            x.append(Float(c.x + 15 * rng.normal()))
            y.append(Float(c.y + 15 * rng.normal()))
            z.append(Float(c.z + 40 * rng.normal()))
        }
        let grid = RenderGrid(widthNm: 4000, heightNm: 4000, binNm: 25, originZ: -600, depthNm: 1200, binZNm: 50)
        XCTAssertTrue(grid.is3D)
        let renderer = Renderer(grid: grid, tukeyAlpha: 0.1)
        let correlator = CrossCorrelator(grid: grid, maxShiftNm: 300)
        let reference = correlator.spectrum(of: renderer.render(x: x[...], y: y[...], z: z[...]))
        for s in [SIMD3<Double>(0.37, -0.62, 0.25), SIMD3(-2.2, 1.5, -1.4), SIMD3(1.0, 0.0, 0.5)] {
            let xs = x.map { $0 + Float(s.x * grid.binNm) }, ys = y.map { $0 + Float(s.y * grid.binNm) }
            let zs = z.map { $0 + Float(s.z * grid.binZNm) }
            let peak = correlator.shift(from: reference, to: correlator.spectrum(of: renderer.render(x: xs[...], y: ys[...], z: zs[...])))
            XCTAssertNotNil(peak)
            XCTAssertEqual(peak!.dx, s.x, accuracy: 0.02, "x for \(s): \(peak!)")
            XCTAssertEqual(peak!.dy, s.y, accuracy: 0.02, "y for \(s): \(peak!)")
            XCTAssertEqual(peak!.dz, s.z, accuracy: 0.02, "z for \(s): \(peak!)")
        }
    }

    func testNoPeakOnEmptyImages() {
        let grid = RenderGrid(widthNm: 1000, heightNm: 1000, binNm: 20)
        let correlator = CrossCorrelator(width: grid.width, height: grid.height, maxShiftBins: 5)
        let empty = correlator.spectrum(of: [Float](repeating: 0, count: grid.binCount))
        XCTAssertNil(correlator.shift(from: empty, to: empty))
    }

    func testRendererConservesCountAndKeepsSubBinPositions() {
        let grid = RenderGrid(widthNm: 200, heightNm: 200, binNm: 10)
        let renderer = Renderer(grid: grid, tukeyAlpha: 0)
        // A point at bin centre (4.5 bins -> index 4) plus a quarter bin in x.
        let image = renderer.render(x: [47.5][...], y: [45][...])
        XCTAssertEqual(image.reduce(0, +), 1, accuracy: 1e-6)
        XCTAssertEqual(image[4 * grid.width + 4], 0.75, accuracy: 1e-6)
        XCTAssertEqual(image[4 * grid.width + 5], 0.25, accuracy: 1e-6)
    }

    func testFFTSizesAreAPowerOfTwoTimesOneThreeOrFive() {
        XCTAssertEqual(FFTSize.next(atLeast: 1110), 1280)
        XCTAssertEqual(FFTSize.next(atLeast: 1024), 1024)
        XCTAssertEqual(FFTSize.next(atLeast: 751), 768)
        XCTAssertEqual(FFTSize.next(atLeast: 600), 640)
        XCTAssertEqual(FFTSize.next(atLeast: 11), 12)
        XCTAssertEqual(FFTSize.next(atLeast: 7), 8)
        XCTAssertEqual(RenderGrid(widthNm: 33280, heightNm: 100, binNm: 60).width, 640)
    }

    func testTukeyWindowShape() {
        let w = TukeyWindow.weights(length: 101, alpha: 0.2)
        XCTAssertEqual(w[0], 0, accuracy: 1e-7)
        XCTAssertEqual(w[50], 1)
        XCTAssertEqual(w[5], 0.5, accuracy: 1e-6)   // halfway up the 10-sample taper
        XCTAssertEqual(w[100], 0, accuracy: 1e-7)
        XCTAssertEqual(TukeyWindow.weights(length: 5, alpha: 0), [1, 1, 1, 1, 1])
    }
}
