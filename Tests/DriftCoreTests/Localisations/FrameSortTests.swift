import DriftCore
import XCTest

final class FrameSortTests: XCTestCase {
    /// Both paths (counting sort for a narrow range of frames, key sort for a wide one) give the
    /// stable order: by frame, equal frames in index order.
    func testStableOrderByFrameThenIndex() {
        var random = RandomSource(seed: 5)
        for spread in [UInt32(50), UInt32(4_000_000_000)] {
            let frames = (0..<20_000).map { _ in UInt32.random(in: 0..<spread, using: &random) }
            let order = FrameSort.stableOrder(frames)
            let expected = frames.indices.sorted { (frames[$0], $0) < (frames[$1], $1) }
            XCTAssertEqual(order, expected, "spread \(spread)")
        }
        XCTAssertEqual(FrameSort.stableOrder([]), [])
        XCTAssertEqual(FrameSort.stableOrder([7, 3, 7, 3, 5]), [1, 3, 4, 0, 2])
    }

    func testSortedFrames() {
        var random = RandomSource(seed: 6)
        for range in [Int64(-20)...Int64(20), Int64.min / 2...Int64.max / 2] {
            let frames = (0..<5_000).map { _ in Int64.random(in: range, using: &random) }
            XCTAssertEqual(FrameSort.sorted(frames), frames.sorted())
        }
        XCTAssertEqual(FrameSort.sorted([Int64.min, Int64.max, 0]), [Int64.min, 0, Int64.max])
        XCTAssertEqual(FrameSort.sorted([]), [])
    }
}
