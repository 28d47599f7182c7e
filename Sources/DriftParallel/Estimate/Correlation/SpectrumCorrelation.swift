import DriftCore

/// Correlation of segments whose images a source makes (one per grid, each the grid's full array),
/// for localisations or image stacks: each rank transforms its own segments' images, every rank
/// learns every segment's count, centre and energies, and the schedule (`CorrelationSchedule`)
/// correlates the rank's pairs. x and y come from the first grid, z from the second (3D); the peak
/// quality and so the weight from the first.
struct SpectrumCorrelation {
    let communicator: Communicator
    let setup: CorrelationSetup
    let schedule: PairSchedule
    let ownership: Ownership
    let grids: [RenderGrid]

    /// An owned segment's count (localisations or frames), centre (frame) and images.
    typealias Source = (Int) -> (count: Double, centre: Double, images: [[Float]])

    /// The schedule for the method: MCC's sum, the ring for all pairs, else the halo.
    func makeSchedule() -> any CorrelationSchedule {
        if setup.method == .mcc { return MeanSchedule(communicator: communicator, schedule: schedule) }
        if schedule.window == nil { return RingSchedule(communicator: communicator, ownership: ownership, schedule: schedule) }
        return HaloSchedule(communicator: communicator, ownership: ownership, schedule: schedule)
    }

    /// Transforms and correlates; `source` must not fail (read the data before).
    func run(timer: inout PhaseTimer, progress: Progress, source: Source) throws -> CorrelationOutcome {
        let comm = communicator
        let owned = ownership.segments(of: comm.rank)
        let s = schedule.segmentCount
        var channels = grids.map { Channel(grid: $0, correlator: setup.correlator(for: $0)) }
        let nc = channels.count
        // Receives first, so that spectra can arrive while this process makes its own.
        var plan = makeSchedule()
        plan.post(into: &channels)
        // Own segments: count, centre, spectra and energies; spectra go on as soon as made.
        var local: [Double] = []
        let transforms = progress.phase("render and transform", total: owned.count)
        for seg in owned {
            defer { transforms.advance() }
            let made = timer.measure(.render) { source(seg) }
            local += [made.count, made.centre]
            for c in 0..<nc {
                let image = made.images[c]
                let spectrum = timer.measure(.fft) { channels[c].correlator.spectrum(of: image) }
                channels[c].spectra[seg] = spectrum
                local.append(plan.needsEnergies ? channels[c].correlator.energy(spectrum) : 0)
                plan.made(spectrum, segment: seg, channel: c, channels: nc)
            }
        }
        // Every segment's count, centre and energies, on every process (in segment order: ranks own
        // contiguous ranges in rank order).
        let stride = 2 + nc
        let info = comm.allgatherv(local)
        let counts = (0..<s).map { Int(info[stride * $0]) }
        let centres = (0..<s).map { info[stride * $0 + 1] }
        let energy = (0..<nc).map { c in (0..<s).map { info[stride * $0 + 2 + c] } }
        transforms.finish()
        progress.say("rendered and transformed \(s) segments (\(owned.count) on rank \(comm.rank))")
        // Peak fits are timed apart from the correlations; the time inside FFTW is kept too.
        defer {
            let peaks = channels.reduce(0.0) { $0 + $1.correlator.peakSeconds }
            timer.add(.correlate, -peaks)
            timer.add(.peaks, peaks)
            timer.fftwSeconds += channels.reduce(0.0) { $0 + $1.correlator.fftwSeconds }
        }
        let spectra = SegmentSpectra(channels: channels, grids: grids, owned: owned, counts: counts, energy: energy,
                                     measure: setup.measure)
        let pairs = try plan.correlate(spectra, timer: &timer, progress: progress)
        return CorrelationOutcome(pairs: pairs, counts: counts, centres: centres)
    }
}
