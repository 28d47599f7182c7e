import DriftCore

/// Windowed RCC and DCC of an image stack, streamed: each process makes its own segments' spectra
/// in time order, then those of the segments its last pairs reach past its own (their time points
/// read and transformed again, not received, so that nothing is exchanged), and correlates each pair
/// as soon as its later spectrum is made. A spectrum is dropped once its last pair is measured, so a
/// process holds at most window + 1 spectra, not its part of the stack. The spectra are made the
/// same way on every process (FFTW_ESTIMATE plans), so a pair's shift does not depend on which
/// process measured it.
struct StreamedCorrelation {
    let communicator: Communicator
    let setup: CorrelationSetup
    let schedule: PairSchedule
    let ownership: Ownership
    let grid: RenderGrid

    /// The segments this process makes spectra of: its own, then those its own pairs reach.
    static func segments(owned: Range<Int>, schedule: PairSchedule) -> Range<Int> {
        guard !owned.isEmpty else { return owned }
        let last = owned.map { schedule.lastPartner(of: $0) }.max() ?? owned.upperBound - 1
        return owned.lowerBound..<max(owned.upperBound, last + 1)
    }

    /// Correlates this process's pairs; `image(k)` reads segment k (it may throw: every process
    /// then fails together) and returns what writes its image on the grid, every value of it.
    /// `counts` and `centres` are every segment's time points and mean frame.
    func run(timer: inout PhaseTimer, progress: Progress, counts: [Int], centres: [Double],
             image: (Int) throws -> (UnsafeMutableBufferPointer<Float>) -> Void) throws -> CorrelationOutcome {
        let comm = communicator, schedule = schedule
        let owned = ownership.segments(of: comm.rank)
        let made = Self.segments(owned: owned, schedule: schedule)
        let correlator = setup.correlator(for: grid)
        let measure = setup.measure
        var spectra: [Int: (spectrum: Spectrum, energy: Double)] = [:]
        var pairs: [PairShift] = []
        let tracker = progress.phase("read, transform and correlate", total: made.count)
        defer {
            tracker.finish()
            let peaks = correlator.peakSeconds
            timer.add(.correlate, -peaks)
            timer.add(.peaks, peaks)
            timer.fftwSeconds += correlator.fftwSeconds
        }
        try comm.collectively {
            for j in made {
                defer { tracker.advance() }
                let fill = try timer.measure(.read) { try image(j) }
                let spectrum = timer.measure(.fft) { correlator.spectrum(filling: fill) }
                spectra[j] = (spectrum, correlator.energy(spectrum))
                // Every own i < j whose pairs include j, in (i, j) order.
                timer.measure(.correlate) {
                    for i in spectra.keys.sorted() where i < j && owned.contains(i) && schedule.isPair(i, j) {
                        pairs.append(pair(i, j, spectra[i]!, spectra[j]!, counts: counts, correlator: correlator, measure: measure))
                    }
                }
                // Only an own segment's spectrum is needed later, by its pairs past j.
                for i in Array(spectra.keys) where !(owned.contains(i) && schedule.lastPartner(of: i) > j) { spectra[i] = nil }
            }
        }
        pairs.sort { ($0.i, $0.j) < ($1.i, $1.j) }
        return CorrelationOutcome(pairs: pairs, counts: counts, centres: centres)
    }

    private func pair(_ i: Int, _ j: Int, _ a: (spectrum: Spectrum, energy: Double), _ b: (spectrum: Spectrum, energy: Double),
                      counts: [Int], correlator: CrossCorrelator, measure: PairMeasure) -> PairShift {
        guard min(counts[i], counts[j]) >= measure.minCount else { return PairShift(i: i, j: j, shift: .zero, weight: 0, used: false) }
        let peak = correlator.shift(from: a.spectrum, to: b.spectrum)
        return measure.pair(i, j, counts: counts, peaks: [peak], energies: (a.energy, b.energy), grids: [grid])
    }
}
