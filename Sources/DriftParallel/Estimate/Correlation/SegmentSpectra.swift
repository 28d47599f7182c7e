import DriftCore

/// What a schedule correlates: every channel's spectra (own and received so far), the segments'
/// counts and energies, and how a pair is measured.
struct SegmentSpectra {
    var channels: [Channel]
    let grids: [RenderGrid]
    /// This process's segments.
    let owned: Range<Int>
    /// Every segment's localisations (time points).
    let counts: [Int]
    /// Every segment's spectrum energy per channel (0 for MCC, which does not use them).
    let energy: [[Double]]
    let measure: PairMeasure

    /// Segment k's spectra on every channel.
    func spectra(_ k: Int) -> [Spectrum] { channels.map { $0.spectra[k]! } }

    /// The shift of segment j relative to segment i (i < j), from their spectra on every channel.
    func pair(_ i: Int, _ j: Int, _ si: [Spectrum], _ sj: [Spectrum]) -> PairShift {
        guard min(counts[i], counts[j]) >= measure.minCount else { return PairShift(i: i, j: j, shift: .zero, weight: 0, used: false) }
        let peaks = channels.indices.map { channels[$0].correlator.shift(from: si[$0], to: sj[$0]) }
        return measure.pair(i, j, counts: counts, peaks: peaks, energies: (energy[0][i], energy[0][j]), grids: grids)
    }
}
