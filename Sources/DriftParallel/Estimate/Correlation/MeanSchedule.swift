import DriftCore

/// MCC: each segment against the sum of all the others. The sum of a drifting acquisition is blurred
/// by the drift itself, so the estimate is iterated: every segment's spectrum is moved back by its
/// current drift, the sum of the moved spectra (fixed point, exact over ranks) becomes the new
/// reference, and each segment's residual shift against it (without itself) updates its drift,
/// until no segment moves by more than 0.05 bin (at most `maxRounds` rounds). The pairs returned
/// hold the whole shift of the reference relative to each segment.
struct MeanSchedule: CorrelationSchedule {
    let communicator: Communicator
    let schedule: PairSchedule
    /// Rounds of moving the spectra back and summing them, at most.
    static let maxRounds = 8
    /// Largest update, bins, below which the rounds stop.
    static let convergenceBins = 0.05
    /// Fixed-point bits of the summed spectra (exact sums over any number of ranks).
    static let scaleBits = 20

    var needsEnergies: Bool { false }

    mutating func correlate(_ spectra: SegmentSpectra, timer: inout PhaseTimer, progress: Progress) throws -> [PairShift] {
        timer.measure(.correlate) { pairs(spectra, progress: progress) }
    }

    private func pairs(_ spectra: SegmentSpectra, progress: Progress) -> [PairShift] {
        let comm = communicator, channels = spectra.channels, owned = spectra.owned, counts = spectra.counts
        let minCount = spectra.measure.minCount
        let totalCount = counts.reduce(0, +)
        let bits = Self.scaleBits
        var drift = [Int: SIMD3<Double>]()          // grid units, per owned segment, relative to the reference
        for i in owned { drift[i] = .zero }
        var quality = [Int: Double](), found = [Int: Bool]()
        for round in 1...Self.maxRounds {
            // The moved spectra of each channel and their sum over all ranks.
            var moved: [[Int: Spectrum]] = []
            var totals: [Spectrum] = []
            for c in channels {
                var m: [Int: Spectrum] = [:]
                var sum = [Int64](repeating: 0, count: c.correlator.fft.complexCount * 2)
                for i in owned where counts[i] >= minCount {
                    let d = drift[i]!
                    let bins = SIMD3(-d.x / c.grid.binNm, -d.y / c.grid.binNm, c.grid.is3D ? -d.z / c.grid.binZNm : 0)
                    let spectrum = round == 1 ? c.spectra[i]! : c.spectra[i]!.translated(by: bins)
                    m[i] = spectrum
                    let f = spectrum.fixedPoint(scaleBits: bits)
                    for k in sum.indices { sum[k] &+= f[k] }
                }
                comm.allreduceSum(&sum)
                moved.append(m)
                totals.append(Spectrum(width: c.grid.width, height: c.grid.height, depth: c.grid.depth, fixedPoint: sum, scaleBits: bits))
            }
            var largest = 0.0
            for i in owned where counts[i] >= minCount {
                var residual = SIMD3<Double>.zero
                var ok = true
                for (n, c) in channels.enumerated() {
                    let a = moved[n][i]!
                    let reference = totals[n].subtracting(a)
                    guard let p = c.correlator.shift(from: a, to: reference) else { ok = false; break }
                    if n == 0 {
                        residual.x = p.dx * c.grid.binNm
                        residual.y = p.dy * c.grid.binNm
                        // One 3D grid (image z-stacks) gives z too.
                        if channels.count == 1 && c.grid.is3D { residual.z = p.dz * c.grid.binZNm }
                        quality[i] = p.height / max((c.correlator.energy(a) * c.correlator.energy(reference)).squareRoot(), .leastNormalMagnitude)
                    } else {
                        residual.z = p.dz * c.grid.binZNm
                    }
                }
                found[i] = ok
                guard ok else { continue }
                // The reference appears moved by `residual` from the moved segment: the segment lies
                // that much the other way.
                drift[i]! -= residual
                largest = max(largest, abs(residual.x) / channels[0].grid.binNm, abs(residual.y) / channels[0].grid.binNm)
                let zGrid = channels.count > 1 ? channels[1].grid : channels[0].grid
                if zGrid.is3D { largest = max(largest, abs(residual.z) / zGrid.binZNm) }
            }
            largest = comm.allreduce(largest, .max)
            progress.say(String(format: "MCC round %d: largest update %.3f bins", round, largest))
            if largest < Self.convergenceBins { break }
        }
        var pairs: [PairShift] = []
        for i in owned {
            let ni = Double(counts[i]), nj = Double(totalCount - counts[i])
            var pair = PairShift(i: i, j: schedule.referenceNode, shift: .zero, weight: 0, used: false)
            if counts[i] >= minCount, nj >= Double(minCount), found[i] == true {
                let q = quality[i] ?? 0
                pair.shift = -drift[i]!
                pair.weight = PairMeasure.weight(ni, nj, quality: q)
                pair.used = q >= spectra.measure.minPeakQuality
            }
            pairs.append(pair)
        }
        return pairs
    }
}
