import Foundation
@testable import DriftCore
import XCTest

/// The refinement shared by tiles of the field between processes (threads here, each holding a
/// contiguous part of the localisations in time, as ranks do) gives the same result, bit for bit, as
/// one process holding them all, though no process holds the whole reference.
final class TiledRefinementTests: XCTestCase {
    /// Clustered localisations over a 24 x 24 um field (51 tiles of 512 nm at the default kernels) in 600 frames,
    /// drifting by up to 16 nm, each frame's localisations in time order; with `bead`, 40 more a frame
    /// at one place (a bright fiducial: its tile holds 40 % of them all).
    private func data(bead: Bool = false) -> (locs: Localisations, drift: (Int) -> SIMD3<Double>) {
        var rng = RandomSource(seed: 5)
        let sites = (0..<2_000).map { _ in SIMD2(rng.uniform(300, 23_700), rng.uniform(300, 23_700)) }
        let drift: (Int) -> SIMD3<Double> = { f in SIMD3(10 * sin(Double(f) / 150), 8 * cos(Double(f) / 110) - 8, 0) }
        var locs = Localisations()
        for f in 0..<600 {
            let d = drift(f)
            for k in 0..<60 {
                let s = sites[(f * 61 + k * 7919) % sites.count]
                locs.frame.append(UInt32(f))
                locs.x.append(Float(s.x + 7 * rng.normal() + d.x))
                locs.y.append(Float(s.y + 7 * rng.normal() + d.y))
            }
            for _ in 0..<(bead ? 40 : 0) {
                locs.frame.append(UInt32(f))
                locs.x.append(Float(12_100 + 5 * rng.normal() + d.x))
                locs.y.append(Float(12_100 + 5 * rng.normal() + d.y))
            }
        }
        return (locs, drift)
    }

    private func refine(_ locs: Localisations, options: RefinementOptions, exchange: TileExchange?,
                        collective: ThreadCollective?, rank: Int) -> RefinementResult {
        let segments = Refinement.fineSegments(frames: locs.frame, rows: 0..<locs.count, firstFrame: Int(locs.frame.first ?? 0),
                                               lastFrame: Int(locs.frame.last ?? 0), options: options)
        return Refinement.run(locs: locs, segments: segments, fieldWidthNm: 24_000, fieldHeightNm: 24_000,
                              baseDrift: { frames in frames.map { _ in .zero } }, options: options,
                              sumCounts: { values in collective.map { values = $0.sum(values, rank: rank) } },
                              gather: { collective?.gather($0, rank: rank) ?? $0 }, exchange: exchange)
    }

    func testThreeProcessesByTilesMatchOneBitForBit() {
        matchesOne(data(), processes: 3)
    }

    /// A bright bead's tile holds more than two processes' shares, so a process between its owner
    /// and the next owns no tiles but still lies within the rows both need. (Six processes of 100
    /// frames cut the same fine segments as one.)
    func testSixProcessesWithABrightBeadMatchOneBitForBit() {
        let (locs, drift) = data(bead: true)
        let counts = BandTiling(rows: 26_000 / 8, factors: [2, 1]).tiles
        XCTAssertGreaterThan(counts, 6)
        matchesOne((locs, drift), processes: 6)
    }

    private func matchesOne(_ data: (locs: Localisations, drift: (Int) -> SIMD3<Double>), processes: Int) {
        let (locs, drift) = data
        var options = RefinementOptions()
        options.minLocalisations = 600
        options.minFrames = 10
        let one = refine(locs, options: options, exchange: nil, collective: nil, rank: 0)
        XCTAssertGreaterThan(one.centres.count, 40)
        // The refinement recovers the drift (up to a constant): within a nanometre at the segments.
        let fitted = one.fittedCorrections()
        let truth = one.centres.map { drift(Int($0.rounded())) }
        let offset = zip(fitted, truth).map { $0 - $1 }.reduce(SIMD3<Double>.zero, +) / Double(truth.count)
        for (f, t) in zip(fitted, truth) { XCTAssertEqual(f.x - offset.x, t.x, accuracy: 1.5); XCTAssertEqual(f.y - offset.y, t.y, accuracy: 1.5) }

        let shared = options
        let collective = ThreadCollective(processes: processes)
        let results = Slots<RefinementResult>(processes)
        let done = DispatchGroup()
        for rank in 0..<processes {
            done.enter()
            Thread {
                // Rank r holds the r-th of `processes` runs of frames.
                let rows = locs.frame.indices.filter { Int(locs.frame[$0]) * processes / 600 == rank }
                let mine = Localisations(frame: rows.map { locs.frame[$0] }, x: rows.map { locs.x[$0] }, y: rows.map { locs.y[$0] })
                let exchange = TileExchange(rank: rank, processes: processes, sum: { $0 = collective.sum($0, rank: rank) },
                                             route: { collective.route($0, counts: $1, rank: rank) },
                                             routeIndices: { collective.route($0, counts: $1, rank: rank) })
                results[rank] = self.refine(mine, options: shared, exchange: exchange, collective: collective, rank: rank)
                done.leave()
            }.start()
        }
        done.wait()
        for rank in 0..<processes {
            XCTAssertEqual(results[rank]?.correction, one.correction, "rank \(rank)")
            XCTAssertEqual(results[rank]?.passes, one.passes)
        }
    }
}

/// One slot per thread, each written by its own thread and read after all are done.
private final class Slots<T>: @unchecked Sendable {
    private var values: [T?]
    init(_ n: Int) { values = [T?](repeating: nil, count: n) }
    subscript(k: Int) -> T? {
        get { values[k] }
        set { values[k] = newValue }
    }
}

/// Collectives between threads that stand for processes: each call blocks until every thread has
/// made it, and returns what each gets.
final class ThreadCollective: @unchecked Sendable {
    let processes: Int
    private let condition = NSCondition()
    private var posted: [Any?]
    private var arrived = 0, generation = 0
    private var round: [Any] = []

    init(processes: Int) {
        self.processes = processes
        posted = [Any?](repeating: nil, count: processes)
    }

    /// Every thread's `value`, in rank order.
    func all<T>(_ value: T, rank: Int) -> [T] {
        condition.lock()
        defer { condition.unlock() }
        let g = generation
        posted[rank] = value
        arrived += 1
        if arrived == processes {
            round = posted.map { $0! }
            posted = [Any?](repeating: nil, count: processes)
            arrived = 0
            generation += 1
            condition.broadcast()
        } else {
            while generation == g { condition.wait() }
        }
        return round.map { $0 as! T }
    }

    func gather<T>(_ values: [T], rank: Int) -> [T] { all(values, rank: rank).flatMap { $0 } }

    func sum<T: AdditiveArithmetic>(_ values: [T], rank: Int) -> [T] {
        let every = all(values, rank: rank)
        return values.indices.map { i in every.reduce(.zero) { $0 + $1[i] } }
    }

    /// All to all: `values` holds `counts[p]` values for each thread p in turn.
    func route<T>(_ values: [T], counts: [Int], rank: Int) -> [T] {
        var parts: [[T]] = [], start = 0
        for c in counts { parts.append(Array(values[start..<(start + c)])); start += c }
        return all(parts, rank: rank).flatMap { $0[rank] }
    }
}
