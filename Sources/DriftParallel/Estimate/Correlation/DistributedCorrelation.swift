import DriftCore

/// RCC and DCC on renders over `--max-render-mb`: every segment is rendered, transformed and
/// correlated by all ranks together (`DistributedCorrelator`), each on its slab of rows. A
/// segment's owner broadcasts its localisations; every pair is measured by all ranks at once and
/// kept by rank 0.
struct DistributedCorrelation {
    let communicator: Communicator
    let setup: CorrelationSetup
    let schedule: PairSchedule
    let ownership: Ownership
    let grid: RenderGrid

    func run(locs: Localisations, segmentation: Segmentation, timer: inout PhaseTimer) -> CorrelationOutcome {
        let comm = communicator
        let owned = ownership.segments(of: comm.rank)
        let s = segmentation.count
        let dc = DistributedCorrelator(grid: grid, maxShiftNm: setup.maxShift, smoothingBins: setup.smoothingBins,
                                       tukeyAlpha: setup.tukeyAlpha, communicator: comm)
        var local: [Double] = []
        for seg in owned {
            let r = SegmentRows.rows(of: seg..<(seg + 1), in: locs, segmentation)
            local += [Double(r.count), SegmentRows.centre(of: seg, rows: r, locs: locs, segmentation)]
        }
        let info = comm.allgatherv(local)
        let counts = (0..<s).map { Int(info[2 * $0]) }
        var outcome = CorrelationOutcome(pairs: [], counts: counts, centres: (0..<s).map { info[2 * $0 + 1] })
        var spectra: [[Float]] = []
        var energy = [Double](repeating: 0, count: s)
        for k in 0..<s {
            let owner = ownership.owner(of: k)
            var x: [Float] = [], y: [Float] = []
            if owner == comm.rank {
                let r = SegmentRows.rows(of: k..<(k + 1), in: locs, segmentation)
                x = Array(locs.x[r]); y = Array(locs.y[r])
            }
            x = comm.broadcast(x, root: owner)
            y = comm.broadcast(y, root: owner)
            let spectrum = timer.measure(.fft) { dc.spectrum(x: x, y: y) }
            energy[k] = dc.localEnergy(spectrum)
            spectra.append(spectrum)
        }
        comm.allreduceSum(&energy)
        timer.measure(.correlate) {
            for i in 0..<s {
                for j in schedule.partners(of: i) {
                    let usable = min(counts[i], counts[j]) >= setup.measure.minCount
                    let peak = usable ? dc.shift(from: spectra[i], to: spectra[j]) : nil
                    if comm.isRoot {
                        outcome.pairs.append(setup.measure.pair(i, j, counts: counts, peaks: [peak], energies: (energy[i], energy[j]), grids: [grid]))
                    }
                }
            }
        }
        timer.add(.correlate, -dc.peakSeconds)
        timer.add(.peaks, dc.peakSeconds)
        timer.fftwSeconds += dc.fft.executeSeconds
        return outcome
    }
}
