import DriftCore
import XCTest

final class SegmentationTests: XCTestCase {
    func testOverlappingWindowsByStep() {
        let s = Segmentation.byFrames(frameCount: 3000, segmentFrames: 1000, step: 500)
        XCTAssertEqual(s.segments.map(\.firstFrame), [0, 500, 1000, 1500, 2000])
        XCTAssertEqual(s.segments.map(\.lastFrame), [999, 1499, 1999, 2499, 2999])
        XCTAssertTrue(s.overlaps)
        // The cores cover every frame once.
        XCTAssertEqual((0..<s.count).map { s.core($0) }, [0...499, 500...999, 1000...1499, 1500...1999, 2000...2999])
        XCTAssertFalse(Segmentation.byFrames(frameCount: 3000, segmentFrames: 1000).overlaps)
    }

    func testSegmentsFromStartFrames() {
        let s = Segmentation.byStarts([0, 120, 120, 400, 950], lastFrame: 999)
        XCTAssertEqual(s.segments.map(\.firstFrame), [0, 120, 400, 950])
        XCTAssertEqual(s.segments.map(\.lastFrame), [119, 399, 949, 999])
        XCTAssertEqual(s.segments.map(\.index), [0, 1, 2, 3])
    }

    func testPairSchedules() {
        let seg = Segmentation.byFrames(frameCount: 10_000, segmentFrames: 1000)
        let rcc = PairSchedule(method: .rcc, segmentation: seg, window: 3)
        XCTAssertEqual(rcc.partners(of: 0), [1, 2, 3])
        XCTAssertEqual(rcc.partners(of: 8), [9])
        XCTAssertEqual(rcc.partners(of: 9), [])
        XCTAssertEqual(rcc.lastPartner(of: 7), 9)
        XCTAssertEqual(PairSchedule(method: .rcc, segmentation: seg, window: nil).partners(of: 6), [7, 8, 9])
        let dcc = PairSchedule(method: .dcc, segmentation: seg, window: 5)
        XCTAssertEqual(dcc.partners(of: 4), [5])
        let mcc = PairSchedule(method: .mcc, segmentation: seg, window: 5)
        XCTAssertEqual(mcc.partners(of: 4), [10])
        XCTAssertEqual(mcc.nodeCount, 11)
        XCTAssertEqual(mcc.lastPartner(of: 4), 4, "MCC needs no other segment's spectrum")
    }

    func testOverlappingSegmentsAreNeverPaired() {
        let seg = Segmentation.byFrames(frameCount: 5000, segmentFrames: 1000, step: 250)
        let rcc = PairSchedule(method: .rcc, segmentation: seg, window: 2)
        // Segment 0 covers 0-999; the first disjoint one starts at 1000 (segment 4).
        XCTAssertEqual(rcc.partners(of: 0), [4, 5])
        XCTAssertEqual(PairSchedule(method: .dcc, segmentation: seg, window: nil).partners(of: 1), [5])
        for i in 0..<seg.count {
            for j in rcc.partners(of: i) { XCTAssertLessThan(seg.segments[i].lastFrame, seg.segments[j].firstFrame) }
        }
    }
}
