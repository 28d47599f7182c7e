@testable import DriftCore
import XCTest

/// Summed drift curves (`driftmpi drift combine` on arrays; the file side is DriftIO's DriftCombination).
final class DriftCurveSumTests: XCTestCase {
    func testValueHoldsTheEndsAndBridgesGaps() {
        let frames: [Int64] = [2, 3, 7]
        let drift = [SIMD3<Double>(1, 0, 0), SIMD3(2, 0, 0), SIMD3(6, 4, 0)]
        XCTAssertEqual(DriftCurveSum.value(frames: frames, drift: drift, at: 0), drift[0])
        XCTAssertEqual(DriftCurveSum.value(frames: frames, drift: drift, at: 3), drift[1])
        XCTAssertEqual(DriftCurveSum.value(frames: frames, drift: drift, at: 5), SIMD3(4, 2, 0))
        XCTAssertEqual(DriftCurveSum.value(frames: frames, drift: drift, at: 99), drift[2])
    }

    func testSumOnTheUnionOfFrames() {
        let a = (frames: [Int64](arrayLiteral: 0, 2), drift: [SIMD3<Double>(0, 0, 0), SIMD3(2, 0, 0)])
        let b = (frames: [Int64](arrayLiteral: 1, 3), drift: [SIMD3<Double>(0, 1, 0), SIMD3(0, 3, 0)])
        let (frames, drift) = DriftCurveSum.sum([a, b])
        XCTAssertEqual(frames, [0, 1, 2, 3])
        XCTAssertEqual(drift, [SIMD3(0, 1, 0), SIMD3(1, 1, 0), SIMD3(2, 2, 0), SIMD3(2, 3, 0)])
        XCTAssertEqual(DriftCurveSum.sum([a, b], at: frames), drift)
        XCTAssertNil(DriftCurveSum.firstNonIncreasingRow([1, 2, 5]))
        XCTAssertEqual(DriftCurveSum.firstNonIncreasingRow([1, 2, 2]), 2)
    }
}
