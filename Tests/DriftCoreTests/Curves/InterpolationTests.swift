import DriftCore
import XCTest

final class InterpolationTests: XCTestCase {
    func testSplinePassesThroughKnotsAndHoldsBeyondThem() {
        let knots = [10.0, 30, 50, 90]
        let values = [0.0, 4, -2, 7]
        let s = CubicSpline(knots: knots, values: values)
        for (t, v) in zip(knots, values) { XCTAssertEqual(s(t), v, accuracy: 1e-12) }
        XCTAssertEqual(s(0), 0)
        XCTAssertEqual(s(200), 7)
    }

    func testSplineAtManyTimesIsTheSplineAtEachBitForBit() {
        let knots = [10.0, 30, 31, 50, 90, 91, 200], values = [0.0, 4, -2, 7, 1, 3, -5]
        let cubic = CubicSpline(knots: knots, values: values)
        let smooth = SmoothingSpline(knots: knots, values: values, weights: nil, smoothing: 0.3)
        var rng = RandomSource(seed: 4)
        let ascending = Array(stride(from: -5.0, through: 230, by: 0.25))
        let shuffled = (0..<500).map { _ in rng.uniform(-20, 240) } + [10, 200, 31, .nan, 30.5]
        for ts in [ascending, ascending.reversed(), shuffled] {
            XCTAssertEqual(cubic(ts).map(\.bitPattern), ts.map { cubic($0).bitPattern })
            XCTAssertEqual(smooth(ts).map(\.bitPattern), ts.map { smooth($0).bitPattern })
        }
        let drift = knots.indices.map { SIMD3(values[$0], -values[$0], 0.5 * values[$0]) }
        let one = DriftInterpolation.curve(centres: knots, drift: drift, smoothing: 0.3)
        XCTAssertEqual(DriftInterpolation.curves(centres: knots, drift: drift, smoothing: 0.3)(ascending), ascending.map(one))
    }

    func testSplineIsExactForStraightLines() {
        let knots = [0.0, 1, 3, 4, 8]
        let s = CubicSpline(knots: knots, values: knots.map { 2 * $0 - 1 })
        for t in stride(from: 0.0, through: 8, by: 0.25) { XCTAssertEqual(s(t), 2 * t - 1, accuracy: 1e-12) }
    }

    func testDriftAtFramesFromSegments() {
        let d = DriftInterpolation.drift(at: [0, 5, 10, 15, 20], centres: [5, 15],
                                         drift: [.zero, SIMD3(10, -20, 0)])
        XCTAssertEqual(d[0], .zero)
        XCTAssertEqual(d[2].x, 5, accuracy: 1e-12)
        XCTAssertEqual(d[2].y, -10, accuracy: 1e-12)
        XCTAssertEqual(d[4], SIMD3(10, -20, 0))
    }

    func testRMSEIgnoresAConstantOffset() {
        let truth = (0..<100).map { SIMD3(Double($0), 0, 0) }
        let est = truth.enumerated().map { $0.element + SIMD3(5, 5, 5) + SIMD3($0.offset % 2 == 0 ? 1 : -1, 0, 0) }
        let r = DriftAccuracy.rmse(estimated: est, truth: truth)
        XCTAssertEqual(r.x, 1, accuracy: 1e-12)
        XCTAssertEqual(r.y, 0, accuracy: 1e-12)
    }

    func testSegmentationByFrames() {
        let s = Segmentation.byFrames(frameCount: 2500, segmentFrames: 1000)
        XCTAssertEqual(s.count, 2)
        XCTAssertEqual(s.segments[0], Segment(index: 0, firstFrame: 0, lastFrame: 999))
        XCTAssertEqual(s.segments[1], Segment(index: 1, firstFrame: 1000, lastFrame: 2499))
        XCTAssertEqual(s.segmentIndex(frame: 1999), 1)
        XCTAssertNil(s.segmentIndex(frame: 2500))
        XCTAssertEqual(Segmentation.byFrames(frameCount: 500, segmentFrames: 1000).count, 1)
    }
}
