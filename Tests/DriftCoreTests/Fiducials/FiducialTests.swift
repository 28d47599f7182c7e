@testable import DriftCore
import Foundation
import XCTest

/// Finding fiducial beads in counts, tracking them frame by frame, and combining their tracks.
final class FiducialTests: XCTestCase {
    func testCandidatesAreTheFullestCellsWithEnoughAround() {
        // 10 x 10 cells of 200 nm: a bead split over two cells at (2, 3) and (3, 3), a weak cluster at (7, 7).
        var counts = [Int32](repeating: 0, count: 100)
        counts[3 * 10 + 2] = 600
        counts[3 * 10 + 3] = 200
        counts[7 * 10 + 7] = 100
        let found = FiducialCandidates.find(counts: counts, width: 10, height: 10, minimum: 500)
        XCTAssertEqual(found.count, 1)
        // Count-weighted centre: x (600 x 2.5 + 200 x 3.5) / 800 cells, y 3.5 cells.
        XCTAssertEqual(found[0].x, 2.75 * 200, accuracy: 1e-9)
        XCTAssertEqual(found[0].y, 3.5 * 200, accuracy: 1e-9)
        // Equal neighbours: one candidate, not two.
        counts[3 * 10 + 3] = 600
        XCTAssertEqual(FiducialCandidates.find(counts: counts, width: 10, height: 10, minimum: 500).count, 1)
        XCTAssertTrue(FiducialCandidates.find(counts: counts, width: 10, height: 10, minimum: 5000).isEmpty)
    }

    func testObservationsKeepTheNearestPerFrameAndCountTheRest() {
        // Frames 0, 0, 1, 2: a bead at (1000, 1000) drifting +1 nm per frame in x, and a stray point.
        let locs = Localisations(frame: [0, 0, 1, 2], x: [1000, 1030, 1001, 1502], y: [1000, 1000, 1000, 1000])
        let drift: ([Int]) -> [SIMD3<Double>] = { $0.map { SIMD3(Double($0), 0, 0) } }
        let o = FiducialObservations(locs: locs, rows: 0..<4, drift: drift, centres: [SIMD3(1000, 1000, 0)], radiusNm: 100)
        XCTAssertEqual(o.frames[0], [0, 1])
        XCTAssertEqual(o.raw[0], [SIMD3(1000, 1000, 0), SIMD3(1001, 1000, 0)])
        XCTAssertEqual(o.corrected[0], [SIMD3(1000, 1000, 0), SIMD3(1000, 1000, 0)])
        XCTAssertEqual(o.within[0], 3, "the second point of frame 0 is within 100 nm too")
    }

    func testBeadsThatDisagreeAreLeftOutAndGapsBridged() {
        XCTAssertEqual(FiducialTrack.median([3, 1, 2]), 2)
        XCTAssertEqual(FiducialTrack.median([4, 1, 2, 3]), 2.5)
        XCTAssertEqual(FiducialTrack.kept(rms: [1, 1.2, nil, 9, 0.8]), [true, true, false, false, true])
        // Below the 1 nm floor nothing is dropped; the best one is always kept.
        XCTAssertEqual(FiducialTrack.kept(rms: [0.1, 0.2, 0.9]), [true, true, true])
        XCTAssertEqual(FiducialTrack.kept(rms: [nil, nil]), [false, false])
        let seen = [true, false, false, true, false, false, false, false, true]
        XCTAssertEqual(FiducialTrack.covered(seen: seen, bridge: 2), [true, true, true, true, false, false, false, false, true])
    }

    func testFixedPointSumsDoNotDependOnOrder() {
        let values = (0..<1000).map { sin(Double($0)) * 1e4 }
        let forward = values.reduce(Int64(0)) { $0 + FixedPoint.fixed($1) }
        let backward = values.reversed().reduce(Int64(0)) { $0 + FixedPoint.fixed($1) }
        XCTAssertEqual(forward, backward)
        XCTAssertEqual(FixedPoint.value(FixedPoint.fixed(1.5)), 1.5)
    }
}
