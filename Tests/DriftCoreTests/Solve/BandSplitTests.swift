import Foundation
@testable import DriftCore
import XCTest

/// The refinement's sums are local to bands of the reference and add exactly: split between
/// processes by band, they give the same alignment, bit for bit, as one process sweeping every band.
final class BandSplitTests: XCTestCase {
    /// Clustered points over a 10 x 10 um field (20 bands of 512 nm at 8 nm bins), 6 segments with
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

    func testBandsSweptSeparatelyGiveTheSameSums() {
        let d = data()
        let sweep = BandSweep(x: d.x, y: d.y, bins: d.bins, segments: d.segments, reference: d.reference,
                              sigmaNm: 8, step: [Int](repeating: 1, count: d.segments.count), haloRows: 64)
        XCTAssertEqual(sweep.bands, 20)
        let shifts = (0..<d.segments.count).map { SIMD2(Double($0) * 0.3, -Double($0) * 0.2) }
        let active = [Bool](repeating: true, count: d.segments.count)
        let all = sweep.sums(shifts: shifts, active: active)
        let a = sweep.sums(shifts: shifts, active: active, bands: 0..<8), b = sweep.sums(shifts: shifts, active: active, bands: 8..<20)
        var split = a
        for g in split.indices { split[g].add(b[g]) }
        XCTAssertEqual(split, all)
        for s in all { XCTAssertGreaterThan(s.sums.k0, 0) }
    }

    /// Sweeps that borrow one ring's memory in turn (`RowRingStorage`), at two kernel widths and two
    /// bin sizes, give the same sums as sweeps with rings of their own, and leave it all zero.
    func testSweepsSharingARingsMemoryGiveTheSameSums() {
        let d = data()
        let shifts = (0..<d.segments.count).map { SIMD2(Double($0) * 0.7, -Double($0) * 0.4) }
        let active = [Bool](repeating: true, count: d.segments.count)
        let step = [Int](repeating: 1, count: d.segments.count)
        let storage = RowRingStorage()
        for (factor, sigma) in [(2, 16.0), (1, 8.0), (2, 16.0)] {
            let bins = d.bins.coarsened(by: factor), reference = d.reference.coarsened(by: factor)
            let own = BandSweep(x: d.x, y: d.y, bins: bins, segments: d.segments, reference: reference,
                                sigmaNm: sigma, step: step, haloRows: 64 / factor, bandRows: 64 / factor)
            let lent = BandSweep(x: d.x, y: d.y, bins: bins, segments: d.segments, reference: reference,
                                 sigmaNm: sigma, step: step, haloRows: 64 / factor, bandRows: 64 / factor,
                                 ringStorage: storage)
            XCTAssertEqual(lent.sums(shifts: shifts, active: active), own.sums(shifts: shifts, active: active))
            // A larger shift makes a larger ring in the same storage.
            let far = shifts.map { $0 + SIMD2(0, 300) }
            XCTAssertEqual(lent.sums(shifts: far, active: active), own.sums(shifts: far, active: active))
        }
        XCTAssertFalse(storage.inUse)
        XCTAssertGreaterThan(storage.capacity, 0)
        let counts = storage.lend(storage.capacity)
        XCTAssertTrue(UnsafeBufferPointer(start: counts, count: storage.capacity).allSatisfy { $0 == 0 })
        storage.giveBack()
    }

    /// Two processes (threads), each sweeping its bands and summing the sums every step, find
    /// exactly the shifts one process sweeping everything finds.
    func testAlignmentSplitByStripIsTheSameBitForBit() {
        let d = data()
        let start = [SIMD2<Double>](repeating: .zero, count: d.segments.count)
        let whole = SegmentAligner.align(x: d.x, y: d.y, bins: d.bins, segments: d.segments, to: d.reference, sigmaNm: 8, start: start)
        for k in whole.indices { XCTAssertGreaterThan(whole[k].support, 0) }
        let exchange = PairExchange()
        let parts = Results()
        let done = DispatchGroup()
        for (rank, bands) in [0..<11, 11..<20].enumerated() {
            done.enter()
            Thread {
                parts.alignments[rank] = SegmentAligner.align(x: d.x, y: d.y, bins: d.bins, segments: d.segments, to: d.reference,
                                                   sigmaNm: 8, start: start, bands: bands,
                                                   combine: { $0 = exchange.sum($0, rank: rank) })
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

/// A sum between two threads: each call returns the element-wise sum of both threads' values.
private final class PairExchange: @unchecked Sendable {
    private let condition = NSCondition()
    private var slots: [[Int64]?] = [nil, nil]
    private var arrived = 0, generation = 0
    private var result: [Int64] = []

    func sum(_ mine: [Int64], rank: Int) -> [Int64] {
        condition.lock()
        defer { condition.unlock() }
        let round = generation
        slots[rank] = mine
        arrived += 1
        if arrived == 2 {
            result = zip(slots[0]!, slots[1]!).map { $0 &+ $1 }
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
