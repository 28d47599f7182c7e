@testable import DriftCore
import XCTest

/// The smoothing of `driftmpi drift smooth` on arrays (the file side is DriftIO's DriftSmoothing).
final class SegmentSmoothingTests: XCTestCase {
    func testKnotsSkipNonFiniteSegments() {
        let centres = [5, Double.nan, 25, 35]
        let drift = [SIMD3<Double>(1, 2, 0), SIMD3(0, 0, 0), SIMD3(.nan, 0, 0), SIMD3(3, 4, 0)]
        XCTAssertEqual(SegmentSmoothing.knots(centres: centres, drift: drift), [0, 3])
    }

    func testWeightsAreInverseVariancesAndZeroTakesTheNearest() {
        let w = SegmentSmoothing.weights(sigmas: [SIMD3(0, 0, 0), SIMD3(1, 1, 0), SIMD3(2, 0, 0)])
        XCTAssertEqual(w, [0.5, 0.5, 0.25])
        XCTAssertNil(SegmentSmoothing.weights(sigmas: [SIMD3(0, 0, 0), SIMD3(0, 0, 0)]))
        XCTAssertNil(SegmentSmoothing.weights(sigmas: [SIMD3(1, 0, 0), SIMD3(.nan, 0, 0)]))
    }

    func testCubicInterpolatesAndLinearJoinsTheKnotsBothZeroAtTheFirstFrame() {
        let centres: [Double] = [10, 20, 30, 40]
        let drift = [SIMD3<Double>(0, 0, 0), SIMD3(2, -1, 0), SIMD3(1, -3, 0), SIMD3(5, 0, 0)]
        let frames = Array(0...50)
        let cubic = SegmentSmoothing.drift(at: frames, centres: centres, drift: drift, weights: nil, smoothing: 0, order: .cubic)
        XCTAssertEqual(cubic, DriftInterpolation.drift(at: frames, centres: centres, drift: drift).map { $0 - drift[0] })
        let linear = SegmentSmoothing.drift(at: frames, centres: centres, drift: drift, weights: nil, smoothing: 0, order: .linear)
        XCTAssertEqual(linear[0], .zero)
        XCTAssertEqual(linear[20], drift[1])
        XCTAssertEqual(linear[25], (drift[1] + drift[2]) / 2)
        XCTAssertEqual(linear[50], drift[3])
        // Equal centres are merged into their mean.
        let merged = SegmentSmoothing.linear(at: [10, 20], centres: [10, 10, 20], drift: [SIMD3(0, 0, 0), SIMD3(2, 0, 0), SIMD3(4, 0, 0)],
                                             weights: nil, smoothing: 0)
        XCTAssertEqual(merged, [SIMD3(1, 0, 0), SIMD3(4, 0, 0)])
    }
}
