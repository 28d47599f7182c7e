import DriftCore
import Foundation
import XCTest

/// The image engine's pieces: the sub-pixel Fourier shifter, plane preprocessing, and the continuous
/// (spectral Newton) refinement of correlation peaks.
final class ImageEngineTests: XCTestCase {
    // MARK: - Helpers

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

    // MARK: - FourierShifter

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

    // MARK: - ImagePreprocessing

    func testClipBoundParsing() {
        XCTAssertEqual(ClipBound("120"), .value(120))
        XCTAssertEqual(ClipBound("-3.5"), .value(-3.5))
        XCTAssertEqual(ClipBound("p99.5"), .percentile(99.5))
        XCTAssertEqual(ClipBound("99.5%"), .percentile(99.5))
        XCTAssertEqual(ClipBound(" p0 "), .percentile(0))
        XCTAssertEqual(ClipBound("100%"), .percentile(100))
        XCTAssertNil(ClipBound("p120"))
        XCTAssertNil(ClipBound("101%"))
        XCTAssertNil(ClipBound("p-1"))
        XCTAssertNil(ClipBound("abc"))
        XCTAssertNil(ClipBound(""))
        XCTAssertNil(ClipBound("p"))
        XCTAssertNil(ClipBound("nan"))
    }

    func testValueClippingToBoundsAndToFill() {
        let plane: [Float] = [-5, 0, 1, 2, 3, 4, 50, 7, 8, 9]
        var p = ImagePreprocessing()
        p.clipLow = .value(1)
        p.clipHigh = .value(8)
        var clipped = plane
        p.clean(&clipped, width: 5, height: 2)
        XCTAssertEqual(clipped, [1, 1, 1, 2, 3, 4, 8, 7, 8, 8])

        p.clipFill = 0
        var filled = plane
        p.clean(&filled, width: 5, height: 2)
        XCTAssertEqual(filled, [0, 0, 1, 2, 3, 4, 0, 7, 8, 0])

        // Only an upper bound.
        var upper = ImagePreprocessing()
        upper.clipHigh = .value(4)
        var u = plane
        upper.clean(&u, width: 5, height: 2)
        XCTAssertEqual(u, [-5, 0, 1, 2, 3, 4, 4, 4, 4, 4])
    }

    func testPercentileClippingInterpolatesBetweenSortedValues() {
        // 0, 1, ..., 10 in a scrambled order: percentile p sits at p / 10 on the sorted values.
        let values: [Float] = [7, 2, 10, 0, 5, 9, 1, 4, 8, 3, 6]
        var p = ImagePreprocessing()
        p.clipLow = .percentile(25)   // 2.5
        p.clipHigh = ClipBound("p90") // 9
        var clipped = values
        p.clean(&clipped, width: 11, height: 1)
        XCTAssertEqual(clipped, [7, 2.5, 9, 2.5, 5, 9, 2.5, 4, 8, 3, 6])

        p.clipFill = -1
        var filled = values
        p.clean(&filled, width: 11, height: 1)
        XCTAssertEqual(filled, [7, -1, -1, -1, 5, 9, -1, 4, 8, 3, 6])

        // p0 and p100 are the extremes: nothing changes.
        var none = ImagePreprocessing()
        none.clipLow = .percentile(0)
        none.clipHigh = .percentile(100)
        none.clipFill = -1
        var same = values
        none.clean(&same, width: 11, height: 1)
        XCTAssertEqual(same, values)
    }

    func testMedianFilterValueByValue() {
        let plane: [Float] = [
            1, 2, 3, 4, 5,
            6, 7, 8, 9, 10,
            11, 12, 100, 14, 15,
            16, 17, 18, 19, 20,
            21, 22, 23, 24, 25,
        ]
        var p = ImagePreprocessing()
        p.median = 3
        var out = plane
        p.clean(&out, width: 5, height: 5)
        // 3 x 3 windows cut at the edges; even counts (edges: 6, corners: 4) average the middle two.
        let expected: [Float] = [
            4, 4.5, 5.5, 6.5, 7,
            6.5, 7, 8, 9, 9.5,
            11.5, 12, 14, 15, 14.5,
            16.5, 18, 19, 20, 19.5,
            19, 19.5, 20.5, 21.5, 22,
        ]
        for k in 0..<25 {
            XCTAssertEqual(out[k], expected[k], "median at (\(k % 5), \(k / 5))")
        }
        // median 1: no filtering.
        var q = ImagePreprocessing()
        q.median = 1
        var unchanged = plane
        q.clean(&unchanged, width: 5, height: 5)
        XCTAssertEqual(unchanged, plane)
    }

    func testBinningAveragesBlocksAndCropsRemainder() {
        // 5 x 4: value x + 10 y, except the cropped last column, which is huge.
        var plane = [Float](repeating: 0, count: 20)
        for y in 0..<4 { for x in 0..<5 { plane[y * 5 + x] = x == 4 ? 1000 : Float(x + 10 * y) } }
        var p = ImagePreprocessing()
        p.binX = 2
        p.binY = 2
        let size = p.binnedSize(width: 5, height: 4)
        XCTAssertEqual(size.width, 2)
        XCTAssertEqual(size.height, 2)
        let b = p.binned(plane, width: 5, height: 4)
        // (0 + 1 + 10 + 11) / 4, (2 + 3 + 12 + 13) / 4, (20 + 21 + 30 + 31) / 4, (22 + 23 + 32 + 33) / 4
        XCTAssertEqual(b, [5.5, 7.5, 25.5, 27.5])

        // binX 3, binY 1 on the same plane: 1 x 4, columns 3 and 4 cropped.
        var q = ImagePreprocessing()
        q.binX = 3
        XCTAssertEqual(q.binned(plane, width: 5, height: 4), [1, 11, 21, 31])
        // No binning returns the plane.
        XCTAssertEqual(ImagePreprocessing().binned(plane, width: 5, height: 4), plane)
    }

    func testSegmentImageMeanOfTimePointsMeanSubtractedAtGridOrigin() {
        // Two 2D time points of 6 x 4, binned 2 x 1 to 3 x 4.
        let w = 6, h = 4
        let t0: [Float] = (0..<(w * h)).map { Float($0) }
        let t1: [Float] = (0..<(w * h)).map { Float(($0 * 7) % 11) }
        var p = ImagePreprocessing()
        p.binX = 2
        p.tukeyAlpha = 0
        let (bw, bh) = p.binnedSize(width: w, height: h)
        XCTAssertEqual(bw, 3)
        XCTAssertEqual(bh, 4)
        let grid = RenderGrid(widthNm: Double(bw), heightNm: Double(bh), binNm: 1, padBins: 5)
        XCTAssertEqual(grid.fieldWidth, bw)
        XCTAssertEqual(grid.fieldHeight, bh)
        XCTAssertGreaterThan(grid.width, bw)
        XCTAssertGreaterThan(grid.height, bh)

        // Expected: the binned mean over time, then minus its mean over the field.
        var mean = [Double](repeating: 0, count: bw * bh)
        for y in 0..<bh {
            for x in 0..<bw {
                let a = Double(t0[y * w + 2 * x] + t0[y * w + 2 * x + 1]) / 2
                let b = Double(t1[y * w + 2 * x] + t1[y * w + 2 * x + 1]) / 2
                mean[y * bw + x] = (a + b) / 2
            }
        }
        let offset = mean.reduce(0, +) / Double(mean.count)
        let image = p.segmentImage(timePoints: [t0, t1], width: w, height: h, depth: 1, grid: grid)
        XCTAssertEqual(image.count, grid.binCount)
        var sum = 0.0
        for y in 0..<grid.height {
            for x in 0..<grid.width {
                let v = image[y * grid.width + x]
                sum += Double(v)
                if x < bw && y < bh {
                    XCTAssertEqual(Double(v), mean[y * bw + x] - offset, accuracy: 1e-5, "field (\(x), \(y))")
                } else {
                    XCTAssertEqual(v, 0, "padding (\(x), \(y))")
                }
            }
        }
        XCTAssertEqual(sum, 0, accuracy: 1e-4, "zero mean over the field")

        // A Tukey window multiplies the same mean-subtracted image.
        var hann = p
        hann.tukeyAlpha = 1
        let windowed = hann.segmentImage(timePoints: [t0, t1], width: w, height: h, depth: 1, grid: grid)
        let wx = TukeyWindow.weights(length: bw, alpha: 1), wy = TukeyWindow.weights(length: bh, alpha: 1)
        for y in 0..<bh {
            for x in 0..<bw {
                XCTAssertEqual(Double(windowed[y * grid.width + x]), (mean[y * bw + x] - offset) * Double(wx[x] * wy[y]),
                               accuracy: 1e-5, "windowed (\(x), \(y))")
            }
        }
        XCTAssertEqual(windowed[0], 0, "Hann weight is 0 at the corner")
    }

    func testSegmentImageCleansRawPlanesBeforeBinningAndCentresEachPlane() {
        // One time point, 4 x 3 x 2 (depth 2), no binning; values above 10 (500, 11, 12) clipped to 10 before the means.
        let w = 4, h = 3, d = 2
        let volume: [Float] = [1, 2, 3, 4, 5, 6, 7, 500, 9, 10, 11, 12,
                               2, 2, 2, 2, 2, 8, 2, 2, 2, 2, 2, 2]
        let cleaned: [Float] = [1, 2, 3, 4, 5, 6, 7, 10, 9, 10, 10, 10,
                                2, 2, 2, 2, 2, 8, 2, 2, 2, 2, 2, 2]
        // Each plane's own mean comes off: (1 + ... + 7 + 10 + 9 + 10 + 10 + 10) / 12 = 77 / 12, and 30 / 12.
        let offsets: [Float] = [77.0 / 12, 30.0 / 12]
        var p = ImagePreprocessing()
        p.clipHigh = .value(10)
        p.tukeyAlpha = 0
        let grid = RenderGrid(widthNm: 4, heightNm: 3, binNm: 1, padBins: 2, depthNm: 2, binZNm: 1, padBinsZ: 2)
        XCTAssertEqual(grid.fieldWidth, w)
        XCTAssertEqual(grid.fieldHeight, h)
        XCTAssertEqual(grid.fieldDepth, d)
        XCTAssertGreaterThan(grid.depth, d)
        let image = p.segmentImage(timePoints: [volume], width: w, height: h, depth: d, grid: grid)
        XCTAssertEqual(image.count, grid.binCount)
        for z in 0..<grid.depth {
            for y in 0..<grid.height {
                for x in 0..<grid.width {
                    let v = image[(z * grid.height + y) * grid.width + x]
                    if x < w && y < h && z < d {
                        XCTAssertEqual(v, cleaned[(z * h + y) * w + x] - offsets[z], accuracy: 1e-5, "(\(x), \(y), \(z))")
                    } else {
                        XCTAssertEqual(v, 0, "padding (\(x), \(y), \(z))")
                    }
                }
            }
        }

        // A Hann window tapers x and y only: over 2 slices a z taper would zero everything.
        var hann = p
        hann.tukeyAlpha = 1
        let windowed = hann.segmentImage(timePoints: [volume], width: w, height: h, depth: d, grid: grid)
        let wx: [Float] = [0, 0.75, 0.75, 0], wy: [Float] = [0, 1, 0]
        XCTAssertEqual(TukeyWindow.weights(length: w, alpha: 1), wx)
        for z in 0..<d {
            for y in 0..<h {
                for x in 0..<w {
                    XCTAssertEqual(windowed[(z * grid.height + y) * grid.width + x],
                                   (cleaned[(z * h + y) * w + x] - offsets[z]) * wx[x] * wy[y], accuracy: 1e-5,
                                   "windowed (\(x), \(y), \(z))")
                }
            }
        }
        XCTAssertNotEqual(windowed[(1 * grid.height + 1) * grid.width + 1], 0, "the second slice is not tapered away")
    }

    // MARK: - CrossCorrelator.continuousPeak

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

    func testContinuousPeakIn3D() {
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
        let three = correlator.shift(from: reference, to: moved)
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
