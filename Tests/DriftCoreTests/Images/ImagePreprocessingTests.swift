import DriftCore
import Foundation
import XCTest

/// Plane preprocessing: clip bounds, clipping, median filter, binning, segment images.
final class ImagePreprocessingTests: ImageTestCase {
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
}
