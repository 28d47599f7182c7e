import DriftCore
@testable import DriftParallel
import XCTest

/// The parallel plans are pure: every rank works them out alike, so they are tested here without MPI
/// by working them out for every rank of a job.
final class OwnershipTests: XCTestCase {
    func testRangesAreContiguousAndBalancedByWeight() {
        // Bleaching: early segments hold more localisations.
        let weights: [Int64] = (0..<40).map { Int64(10_000 - 200 * $0) }
        let total = weights.reduce(0, +)
        for p in 1...9 {
            let o = Ownership(weights: weights, processCount: p)
            XCTAssertEqual(o.segments(of: 0).lowerBound, 0)
            XCTAssertEqual(o.segments(of: p - 1).upperBound, weights.count)
            for r in 0..<p {
                if r > 0 { XCTAssertEqual(o.segments(of: r).lowerBound, o.segments(of: r - 1).upperBound) }
                let share = o.segments(of: r).reduce(Int64(0)) { $0 + weights[$1] }
                // Off the fair share by at most one segment's weight.
                XCTAssertLessThanOrEqual(abs(Double(share) - Double(total) / Double(p)), Double(weights.max()!), "p \(p) rank \(r)")
                for seg in o.segments(of: r) { XCTAssertEqual(o.owner(of: seg), r) }
            }
        }
        // More processes than segments: some own none; all-zero weights: equal counts.
        let few = Ownership(weights: [5, 5, 5], processCount: 5)
        XCTAssertEqual((0..<5).map { few.segments(of: $0).count }.reduce(0, +), 3)
        XCTAssertEqual(Ownership(weights: [0, 0, 0, 0], processCount: 2).segments(of: 1), 2..<4)
        XCTAssertEqual(Ownership(segmentCount: 12, processCount: 4).segments(of: 2).count, 3)
    }

    func testHaloPlanSendsEveryNeededSpectrumFromItsOwner() {
        let seg = Segmentation.byFrames(frameCount: 23_000, segmentFrames: 1000)
        for window in [1, 3, 5, 30] {
            let schedule = PairSchedule(method: .rcc, segmentation: seg, window: window)
            for p in 1...8 {
                let o = Ownership(weights: (0..<seg.count).map { Int64(1 + $0 % 3) }, processCount: p)
                let plans = (0..<p).map { HaloPlan(ownership: o, rank: $0, lastPartner: schedule.lastPartner) }
                for r in 0..<p {
                    let own = o.segments(of: r)
                    let needed = Set(own.flatMap { schedule.partners(of: $0) }).subtracting(own)
                    XCTAssertEqual(Set(plans[r].receive.map(\.segment)), needed, "window \(window) p \(p) rank \(r)")
                    for (j, from) in plans[r].receive {
                        XCTAssertEqual(from, o.owner(of: j))
                        XCTAssertTrue(plans[from].send[j]?.contains(r) ?? false, "segment \(j) from \(from) to \(r)")
                    }
                    let sent = plans[r].send.reduce(0) { $0 + $1.value.count }
                    let received = (0..<p).reduce(0) { n, q in n + plans[q].receive.filter { $0.from == r }.count }
                    XCTAssertEqual(sent, received)
                }
            }
        }
    }

    func testRingCorrelatesEveryPairOnceWithFairShares() {
        for p in 1...9 {
            for s in [p, 2 * p + 1, 360] {
                let o = Ownership(segmentCount: s, processCount: p)
                var seen = [Int](repeating: 0, count: s * s)
                var perRank = [Int](repeating: 0, count: p)
                for r in 0..<p {
                    let ring = RingPlan(processCount: p, rank: r)
                    let own = o.segments(of: r)
                    for i in own { for j in own where i < j { seen[i * s + j] += 1; perRank[r] += 1 } }
                    guard ring.steps > 0 else { continue }
                    for t in 1...ring.steps {
                        for i in own {
                            for j in o.segments(of: ring.block(at: t)) where ring.correlates(i, j, step: t) {
                                seen[min(i, j) * s + max(i, j)] += 1
                                perRank[r] += 1
                            }
                        }
                    }
                }
                for i in 0..<s { for j in (i + 1)..<max(i + 1, s) { XCTAssertEqual(seen[i * s + j], 1, "p \(p) s \(s) pair \(i) \(j)") } }
                if s == 360 {
                    let fair = Double(s * (s - 1) / 2) / Double(p)
                    for r in 0..<p { XCTAssertLessThanOrEqual(abs(Double(perRank[r]) - fair), 0.1 * fair + 1, "p \(p) rank \(r): \(perRank)") }
                }
            }
        }
    }
}

/// Progress's pieces that need no MPI: durations and JSON lines.
final class ProgressFormatTests: XCTestCase {
    func testDurations() {
        XCTAssertEqual(Progress.duration(0.4), "0 s")
        XCTAssertEqual(Progress.duration(42), "42 s")
        XCTAssertEqual(Progress.duration(73), "1 min 13 s")
        XCTAssertEqual(Progress.duration(245), "4 min 05 s")
        XCTAssertEqual(Progress.duration(7380), "2 h 03 min")
    }

    func testJSONLines() throws {
        let line = Progress.json(["t_s": .number(1.5), "event": .string("message"), "text": .string("a \"quoted\" path/x")])
        XCTAssertEqual(line, #"{"t_s":1.500,"event":"message","text":"a \"quoted\" path/x"}"#)
        let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
        XCTAssertEqual(object?["text"] as? String, "a \"quoted\" path/x")
        XCTAssertEqual(Progress.json(["eta_s": .number(.infinity)]), #"{"eta_s":null}"#)
    }
}
