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

    func testKnownSubBinShiftsAreFoundWithin0_05Bin() {
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
            XCTAssertEqual(peak!.dx, s.x, accuracy: 0.05, "x for shift \(s)")
            XCTAssertEqual(peak!.dy, s.y, accuracy: 0.05, "y for shift \(s)")
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

    func testFFTSizesHaveSmallPrimeFactors() {
        XCTAssertEqual(FFTSize.next(atLeast: 1110), 1120)
        XCTAssertEqual(FFTSize.next(atLeast: 1024), 1024)
        XCTAssertEqual(FFTSize.next(atLeast: 11), 12)
        XCTAssertEqual(RenderGrid(widthNm: 33280, heightNm: 100, binNm: 30).width, 1120)
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
