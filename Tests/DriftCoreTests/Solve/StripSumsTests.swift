import Foundation
@testable import DriftCore
import XCTest

/// The refinement's sums are local to strips of the reference: split between processes by strip,
/// they give the same alignment, bit for bit, as one process sweeping every strip.
final class StripSumsTests: XCTestCase {
    /// Clustered points over a 10 x 10 um field (5 strips of 2 um at 8 nm bins), 6 segments with
    /// different shifts, and the reference of all of them.
    private func data() -> (x: [Float], y: [Float], bins: ReferenceBins, segments: [Range<Int>], reference: ReferenceRows) {
        var rng = RandomSource(seed: 11)
        let sites = (0..<300).map { _ in SIMD2(rng.uniform(200, 9800), rng.uniform(200, 9800)) }
        var x: [Float] = [], y: [Float] = []
        let n = 24_000
        let segments = (0..<6).map { k in (k * n / 6)..<((k + 1) * n / 6) }
        for (k, rows) in segments.enumerated() {
            for i in rows {
                let s = sites[(i * 7919) % sites.count]
                x.append(Float(s.x + 8 * rng.normal() + Double(k) * 0.9 - 2))
                y.append(Float(s.y + 8 * rng.normal() - Double(k) * 0.6 + 1.5))
            }
        }
        let grid = ReferenceGrid(originX: 0, originY: 0, widthNm: 10_000, heightNm: 10_000, binNm: 8)
        let bins = grid.bins(x: x, y: y)
        return (x, y, bins, segments, ReferenceRows(grid: grid, bins: bins, rows: 0..<n))
    }

    func testStripsSweptSeparatelyGiveTheSameSums() {
        let d = data()
        let sweep = BandSweep(x: d.x, y: d.y, bins: d.bins, segments: d.segments, reference: d.reference,
                              sigmaNm: 8, step: [Int](repeating: 1, count: d.segments.count))
        XCTAssertEqual(sweep.strips, 5)
        let shifts = (0..<d.segments.count).map { SIMD2(Double($0) * 0.3, -Double($0) * 0.2) }
        let active = [Bool](repeating: true, count: d.segments.count)
        let all = sweep.sums(shifts: shifts, active: active)
        let split = sweep.sums(shifts: shifts, active: active, strips: 0..<2) + sweep.sums(shifts: shifts, active: active, strips: 2..<5)
        XCTAssertEqual(split, all)
        XCTAssertEqual(Set(all.map(\.strip)), Set(0..<5))
        // In any order, the totals are the same bit for bit.
        XCTAssertEqual(StripSums.totals(split.reversed(), count: 6), StripSums.totals(all, count: 6))
    }

    /// Two processes (threads), each sweeping its strips and exchanging strip sums every step, find
    /// exactly the shifts one process sweeping everything finds.
    func testAlignmentSplitByStripIsTheSameBitForBit() {
        let d = data()
        let start = [SIMD2<Double>](repeating: .zero, count: d.segments.count)
        let whole = SegmentAligner.align(x: d.x, y: d.y, bins: d.bins, segments: d.segments, to: d.reference, sigmaNm: 8, start: start)
        for k in whole.indices { XCTAssertGreaterThan(whole[k].support, 0) }
        let exchange = PairExchange()
        let parts = Results()
        let done = DispatchGroup()
        for (rank, strips) in [0..<3, 3..<5].enumerated() {
            done.enter()
            Thread {
                parts.alignments[rank] = SegmentAligner.align(x: d.x, y: d.y, bins: d.bins, segments: d.segments, to: d.reference,
                                                   sigmaNm: 8, start: start, strips: strips,
                                                   combine: { exchange.allgather($0, rank: rank) })
                done.leave()
            }.start()
        }
        done.wait()
        XCTAssertEqual(parts.alignments[0], whole)
        XCTAssertEqual(parts.alignments[1], whole)
    }
}

/// Each thread's alignments (each thread writes its own slot, read after both are done).
private final class Results: @unchecked Sendable {
    var alignments: [[MeanShiftAligner.Alignment]] = [[], []]
}

/// An allgather between two threads: each call returns both threads' values, rank 0's first.
private final class PairExchange: @unchecked Sendable {
    private let condition = NSCondition()
    private var slots: [[StripSums]?] = [nil, nil]
    private var arrived = 0, generation = 0
    private var result: [StripSums] = []

    func allgather(_ mine: [StripSums], rank: Int) -> [StripSums] {
        condition.lock()
        defer { condition.unlock() }
        let round = generation
        slots[rank] = mine
        arrived += 1
        if arrived == 2 {
            result = slots[0]! + slots[1]!
            slots = [nil, nil]
            arrived = 0
            generation += 1
            condition.broadcast()
        } else {
            while generation == round { condition.wait() }
        }
        return result
    }
}
