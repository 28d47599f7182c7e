import DriftCore
@testable import DriftIO
import Foundation
import XCTest

/// Drift curves summed by `driftmpi drift combine` (DriftCombination over DriftCore's DriftCurveSum).
final class DriftCombinationTests: XCTestCase {
    func error(_ body: () throws -> Any) -> String {
        do {
            _ = try body()
            return "no error"
        } catch {
            return "\(error)"
        }
    }

    func testCombinationHoldsEndsAndBridgesGaps() throws {
        var a = DriftResult(), b = DriftResult()
        a.frames = [0, 1, 2, 4]
        a.drift = [.zero, SIMD3(1, 0, 0), SIMD3(2, 0, 0), SIMD3(4, 0, 0)]
        b.frames = [3, 4, 5]
        b.drift = [SIMD3(0, 1, 0), SIMD3(0, 2, 0), SIMD3(0, 3, 0)]
        let (frames, drift) = try DriftCombination.sum([("a.h5", a), ("b.h5", b)])
        XCTAssertEqual(frames, [0, 1, 2, 3, 4, 5])
        XCTAssertEqual(drift, [SIMD3(0, 1, 0), SIMD3(1, 1, 0), SIMD3(2, 1, 0), SIMD3(3, 1, 0), SIMD3(4, 2, 0), SIMD3(4, 3, 0)])
        let c = try DriftCombination.combine([("a.h5", a), ("b.h5", b)], created: "now")
        XCTAssertEqual(c.attributes["dims"], .int(2))
        XCTAssertNil(c.attributes["frame_base"])
        b.attributes["frame_base"] = .int(1)
        XCTAssertEqual(error { try DriftCombination.combine([("a.h5", a), ("b.h5", b)]) },
                       "b.h5: frame_base 1 differs from a.h5's 0: the curves number frames differently")
        a.attributes["frame_base"] = .int(1)
        XCTAssertEqual(try DriftCombination.combine([("a.h5", a), ("b.h5", b)]).attributes["frame_base"], .int(1))
        b.frames = [3, 3, 5]
        XCTAssertEqual(error { try DriftCombination.sum([("a.h5", a), ("b.h5", b)]) }, "b.h5: /drift/frame is not strictly increasing (row 1)")
    }
}
