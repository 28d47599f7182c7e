@testable import DriftCore
import XCTest

/// The segments chosen from the data: about 1000 frames' worth at steady density, 10 segments on
/// short acquisitions, at least 200 localisations each (or `minSegmentLocs`), at least 2 segments.
final class AutomaticSegmentationTests: XCTestCase {
    func testSteadyDensityGivesAThousandFramesWorth() {
        // 24 localisations per frame over 20,000 frames: 24,000 a segment, 20 segments.
        XCTAssertEqual(AutomaticSegmentation(localisations: 480_000, frames: 20_000, minSegmentLocs: 50)?.localisationsPerSegment, 24_000)
        // 100 per frame over 100,000 frames: 100 segments by time, rounded to 96 (a multiple of 48).
        XCTAssertEqual(AutomaticSegmentation(localisations: 10_000_000, frames: 100_000, minSegmentLocs: 50)?.localisationsPerSegment, 104_166)
    }

    func testManySegmentsComeInCountsThatCommonRankCountsShareEqually() {
        XCTAssertEqual(AutomaticSegmentation.balancedCount(20), 20)
        XCTAssertEqual(AutomaticSegmentation.balancedCount(31.9), 31.9)
        XCTAssertEqual(AutomaticSegmentation.balancedCount(39), 32)
        XCTAssertEqual(AutomaticSegmentation.balancedCount(40), 48)
        XCTAssertEqual(AutomaticSegmentation.balancedCount(41), 48)
        XCTAssertEqual(AutomaticSegmentation.balancedCount(95), 96)
        XCTAssertEqual(AutomaticSegmentation.balancedCount(100), 96)
        XCTAssertEqual(AutomaticSegmentation.balancedCount(130), 144)
        XCTAssertEqual(AutomaticSegmentation.balancedCount(40, atMost: 41), 32)
        // 8,000 over 100,000 frames: 40 segments of the fewest (200); 48 would hold 166 each, so 32 of 250.
        XCTAssertEqual(AutomaticSegmentation(localisations: 8_000, frames: 100_000, minSegmentLocs: 50)?.localisationsPerSegment, 250)
        // 40 per frame over 38,000 frames: 38 segments of 40,000 by time, 32 of 47,500.
        XCTAssertEqual(AutomaticSegmentation(localisations: 1_520_000, frames: 38_000, minSegmentLocs: 50)?.localisationsPerSegment, 47_500)
    }

    func testShortAcquisitionsGetTenSegments() {
        // The real bead files: 4,960 localisations in 240 frames.
        XCTAssertEqual(AutomaticSegmentation(localisations: 4960, frames: 240, minSegmentLocs: 50)?.localisationsPerSegment, 496)
    }

    func testSparseDataGetAtLeastTwoHundredAndAtLeastTwoSegments() {
        // 0.45 localisations per frame over 20,000 frames: 450 by time.
        XCTAssertEqual(AutomaticSegmentation(localisations: 9000, frames: 20_000, minSegmentLocs: 50)?.localisationsPerSegment, 450)
        // 0.05 per frame: by time 50, raised to 200.
        XCTAssertEqual(AutomaticSegmentation(localisations: 1000, frames: 20_000, minSegmentLocs: 50)?.localisationsPerSegment, 200)
        // 300 in all: at most half, two segments.
        XCTAssertEqual(AutomaticSegmentation(localisations: 300, frames: 20_000, minSegmentLocs: 50)?.localisationsPerSegment, 150)
        // --min-segment-locs raises the floor.
        XCTAssertEqual(AutomaticSegmentation(localisations: 100_000, frames: 20_000, minSegmentLocs: 8000)?.localisationsPerSegment, 8000)
    }

    func testTooFewForTwoSegmentsIsNil() {
        XCTAssertNil(AutomaticSegmentation(localisations: 99, frames: 1000, minSegmentLocs: 50))
        XCTAssertNil(AutomaticSegmentation(localisations: 0, frames: 1, minSegmentLocs: 1))
        XCTAssertNotNil(AutomaticSegmentation(localisations: 100, frames: 1000, minSegmentLocs: 50))
    }
}
