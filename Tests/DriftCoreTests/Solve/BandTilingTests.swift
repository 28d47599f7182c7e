@testable import DriftCore
import XCTest

/// The fixed tiling by which processes share the fine pass: balanced contiguous ranges that cover
/// every tile, the rows each needs, and its bands at each kernel level.
final class BandTilingTests: XCTestCase {
    func testTilesAreOneBandAtEveryLevelAndTheHalo64FinestRows() {
        let t = BandTiling(rows: 700, factors: [2, 1])
        XCTAssertEqual(t.tileRows, 64)
        XCTAssertEqual(t.haloRows, 64)
        XCTAssertEqual(t.tiles, 11)
        XCTAssertEqual(t.tile(ofRow: 0), 0)
        XCTAssertEqual(t.tile(ofRow: 63), 0)
        XCTAssertEqual(t.tile(ofRow: 64), 1)
        XCTAssertEqual(t.tile(ofRow: -300), 0)
        XCTAssertEqual(t.tile(ofRow: 99_999), 10)
        XCTAssertEqual(t.bands(of: 2..<4, factor: 1), 2..<4)
        XCTAssertEqual(t.bands(of: 2..<4, factor: 2), 2..<4)
        XCTAssertEqual(t.bandRows(factor: 1), 64)
        XCTAssertEqual(t.bandRows(factor: 2), 32)
        XCTAssertEqual(t.haloRows(factor: 2), 32)
        XCTAssertEqual(t.rows(needed: 10..<12), 576..<832)
        XCTAssertEqual(t.rows(needed: 0..<1), 0..<128)
        XCTAssertEqual(BandTiling(rows: 700, factors: [3, 1]).tileRows, 66)
        XCTAssertEqual(t.rows(needed: 3..<3), 0..<0)
    }

    func testAssignmentIsContiguousCoversEveryTileAndBalancesTheCounts() {
        let t = BandTiling(rows: 64 * 10, factors: [2, 1])
        let counts: [Int64] = [5, 100, 100, 100, 0, 0, 100, 100, 90, 5]
        for processes in 1...12 {
            let ranges = t.assign(counts: counts, processes: processes)
            XCTAssertEqual(ranges.count, processes)
            XCTAssertEqual(ranges.first?.lowerBound, 0)
            XCTAssertEqual(ranges.last?.upperBound, 10)
            for p in 1..<processes { XCTAssertEqual(ranges[p].lowerBound, ranges[p - 1].upperBound) }
        }
        let four = t.assign(counts: counts, processes: 4).map { r in r.reduce(Int64(0)) { $0 + counts[$1] } }
        XCTAssertEqual(four.reduce(0, +), 600)
        XCTAssertLessThanOrEqual(four.max()!, 205, "\(four)")
        XCTAssertEqual(t.assign(counts: [Int64](repeating: 0, count: 10), processes: 3).map(\.count).reduce(0, +), 10)
    }

    /// Fixed-point sums add exactly, in any order.
    func testFixedKernelSumsAddTheSameInAnyOrder() {
        var rng = RandomSource(seed: 3)
        let parts = (0..<200).map { _ -> FixedKernelSums in
            var k = KernelSums()
            k.k0 = rng.uniform(0, 1e5); k.kx = rng.uniform(-1e6, 1e6); k.ky = rng.uniform(-1e6, 1e6)
            k.kxx = rng.uniform(0, 1e8); k.kyy = rng.uniform(0, 1e8); k.kxy = rng.uniform(-1e7, 1e7)
            return FixedKernelSums(k)
        }
        var forward = FixedKernelSums(), backward = FixedKernelSums()
        for p in parts { forward.add(p) }
        for p in parts.reversed() { backward.add(p) }
        XCTAssertEqual(forward, backward)
        XCTAssertEqual(FixedKernelSums.unflat(FixedKernelSums.flat(parts)), parts)
        var k = KernelSums()
        k.k0 = 12.5; k.kx = -3.25
        XCTAssertEqual(FixedKernelSums(k).sums.k0, 12.5)
        XCTAssertEqual(FixedKernelSums(k).sums.kx, -3.25)
    }
}
