import DriftCore

/// Windowed RCC and DCC: each process correlates its own segments with the next K, whose spectra
/// come from the following processes (`HaloPlan`), sent as soon as they are made and received
/// while the own pairs are correlated.
struct HaloSchedule: CorrelationSchedule {
    let communicator: Communicator
    let ownership: Ownership
    let schedule: PairSchedule
    let plan: HaloPlan
    private var messages: [PendingMessage] = []

    init(communicator: Communicator, ownership: Ownership, schedule: PairSchedule) {
        self.communicator = communicator
        self.ownership = ownership
        self.schedule = schedule
        plan = HaloPlan(ownership: ownership, rank: communicator.rank, lastPartner: schedule.lastPartner)
    }

    mutating func post(into channels: inout [Channel]) {
        let nc = channels.count, end = ownership.segments(of: communicator.rank).upperBound
        for (j, from) in plan.receive {
            for c in 0..<nc {
                let g = channels[c].grid
                let spectrum = Spectrum.zeros(width: g.width, height: g.height, depth: g.depth)
                channels[c].spectra[j] = spectrum
                messages.append(communicator.irecv(spectrum.floats, count: spectrum.floatCount, from: from,
                                                   tag: HaloPlan.tag(segment: j, channel: c, channels: nc, receiverEnd: end)))
            }
        }
    }

    mutating func made(_ spectrum: Spectrum, segment: Int, channel: Int, channels: Int) {
        for q in plan.send[segment] ?? [] {
            messages.append(communicator.isend(spectrum.floats, count: spectrum.floatCount, to: q,
                                               tag: HaloPlan.tag(segment: segment, channel: channel, channels: channels,
                                                                 receiverEnd: ownership.segments(of: q).upperBound)))
        }
    }

    mutating func correlate(_ spectra: SegmentSpectra, timer: inout PhaseTimer, progress: Progress) throws -> [PairShift] {
        let owned = spectra.owned, schedule = schedule, comm = communicator, messages = messages
        // Rank 0's own pairs stand for everyone's.
        let tracker = progress.phase("correlate pairs", total: owned.reduce(0) { $0 + schedule.partners(of: $1).count })
        defer { tracker.finish() }
        // Time spent waiting for spectra, counted apart from the correlations.
        var exchange = 0.0
        defer { timer.add(.correlate, -exchange); timer.add(.exchange, exchange) }
        var pairs: [PairShift] = []
        func measure(_ i: Int, _ j: Int) {
            tracker.advance()
            pairs.append(spectra.pair(i, j, spectra.spectra(i), spectra.spectra(j)))
        }
        timer.measure(.correlate) {
            // Own pairs while the partners' spectra travel, then the pairs that need them.
            for i in owned { for j in schedule.partners(of: i) where owned.contains(j) { measure(i, j) } }
            exchange += PhaseTimer.seconds { comm.waitAll(messages) }
            for i in owned { for j in schedule.partners(of: i) where !owned.contains(j) { measure(i, j) } }
        }
        return pairs
    }
}
