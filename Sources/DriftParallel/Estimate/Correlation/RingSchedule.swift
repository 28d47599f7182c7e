import DriftCore

/// All pairs (RCC with `--window all`): the processes pass blocks of spectra round a ring
/// (`RingPlan`), correlating what they hold while the next block travels.
struct RingSchedule: CorrelationSchedule {
    let communicator: Communicator
    let ownership: Ownership
    let schedule: PairSchedule

    mutating func correlate(_ spectra: SegmentSpectra, timer: inout PhaseTimer, progress: Progress) throws -> [PairShift] {
        let comm = communicator, owned = spectra.owned, schedule = schedule, ownership = ownership
        let nc = spectra.channels.count
        // Rank 0's own pairs stand for everyone's (ring steps share them out about equally).
        let tracker = progress.phase("correlate pairs", total: owned.reduce(0) { $0 + schedule.partners(of: $1).count })
        defer { tracker.finish() }
        var exchange = 0.0
        defer { timer.add(.correlate, -exchange); timer.add(.exchange, exchange) }
        var out: [PairShift] = []
        let ring = RingPlan(processCount: comm.size, rank: comm.rank)
        timer.measure(.correlate) {
            var held: [Int: [Spectrum]] = [:]
            for k in owned { held[k] = spectra.spectra(k) }
            func pairs(with block: Range<Int>, step: Int) {
                for i in owned {
                    for j in block where step == 0 ? i < j : ring.correlates(i, j, step: step) {
                        let (a, b) = i < j ? (i, j) : (j, i)
                        guard schedule.isPair(a, b) else { continue }
                        tracker.advance()
                        out.append(spectra.pair(a, b, held[a] ?? spectra.spectra(a), held[b] ?? spectra.spectra(b)))
                    }
                }
            }
            guard ring.steps > 0 else { pairs(with: owned, step: 0); return }
            for t in 1...ring.steps {
                let heldRange = ownership.segments(of: ring.block(at: t - 1))
                let incomingRange = ownership.segments(of: ring.block(at: t))
                var incoming: [Int: [Spectrum]] = [:]
                var step: [PendingMessage] = []
                for k in incomingRange {
                    incoming[k] = spectra.channels.map { Spectrum.zeros(width: $0.grid.width, height: $0.grid.height, depth: $0.grid.depth) }
                    for c in 0..<nc {
                        let sp = incoming[k]![c]
                        step.append(comm.irecv(sp.floats, count: sp.floatCount, from: ring.right, tag: (k - incomingRange.lowerBound) * nc + c))
                    }
                }
                for k in heldRange {
                    for c in 0..<nc {
                        let sp = held[k]![c]
                        step.append(comm.isend(sp.floats, count: sp.floatCount, to: ring.left, tag: (k - heldRange.lowerBound) * nc + c))
                    }
                }
                // Correlate what is held while the next block travels.
                if t == 1 { pairs(with: owned, step: 0) } else { pairs(with: heldRange, step: t - 1) }
                exchange += PhaseTimer.seconds { comm.waitAll(step) }
                // Keep the own spectra; drop the block passed on.
                for k in heldRange where !owned.contains(k) { held[k] = nil }
                for (k, v) in incoming { held[k] = v }
            }
            pairs(with: ownership.segments(of: ring.block(at: ring.steps)), step: ring.steps)
        }
        return out
    }
}
