import DriftCore
@testable import DriftIO
import Foundation
import XCTest

/// A PYME drift file (Tests/Fixtures/pyme/drift.npz) imported as a result: the spline at every frame.
final class PymeDriftFileTests: XCTestCase {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Fixtures/pyme").path

    func fixture(_ name: String) -> String { Self.fixtures + "/" + name }

    func testImportedPymeResult() throws {
        let r = try PymeDriftFile.result(path: fixture("drift.npz"), created: "now")
        XCTAssertEqual(r.frames.first, 531)
        XCTAssertEqual(r.frames.last, 29530)
        XCTAssertEqual(r.frames.count, 29530 - 531 + 1)
        XCTAssertEqual(r.segmentCentreFrame.count, 30)
        XCTAssertEqual(r.segmentFirstFrame[0], 531)
        XCTAssertEqual(r.segmentLastFrame[0], 1031)
        XCTAssertEqual(r.segmentFirstFrame[1], 1032)
        XCTAssertEqual(r.segmentLastFrame[29], 29530)
        // The spline passes through the points.
        for (t, d) in zip(r.segmentCentreFrame, r.segmentDrift) {
            let k = Int(t) - 531
            XCTAssertEqual(r.drift[k].x, d.x, accuracy: 1e-9)
            XCTAssertEqual(r.drift[k].y, d.y, accuracy: 1e-9)
        }
        let longer = try PymeDriftFile.result(path: fixture("drift.npz"), frames: 31000, created: "now")
        XCTAssertEqual(longer.frames.first, 0)
        XCTAssertEqual(longer.frames.count, 31000)
        XCTAssertEqual(longer.drift[0], .zero)
        XCTAssertEqual(longer.drift[30999], SIMD3(-889.3139014723554, -1148.0638837627685, 0))
        XCTAssertEqual(longer.segmentFirstFrame[0], 0)
        XCTAssertEqual(longer.segmentLastFrame[29], 30999)
    }
}
