import DriftCore

/// How a pair's correlation peaks become its shift, weight and used flag.
struct PairMeasure: Equatable {
    /// Segments with fewer localisations (time points) are not correlated.
    var minCount: Int
    /// Pairs whose correlation coefficient at the peak is below this are not used.
    var minPeakQuality: Double

    /// A pair's weight in the solve: the counts' harmonic combination (the variance of a correlation
    /// shift falls with both) times the correlation coefficient at the peak (clamped to 0...1).
    static func weight(_ ni: Double, _ nj: Double, quality: Double) -> Double {
        ni * nj / (ni + nj) * min(1, max(0, quality))
    }

    /// The pair (i, j) from its correlation peaks (one per grid: x and y from the first, z from the
    /// second), weighted by the counts and the peak quality (height over the geometric mean of the two
    /// energies on the first grid). Shifts in the grids' units (nm, or pixels for stacks).
    func pair(_ i: Int, _ j: Int, counts: [Int], peaks: [PeakEstimate?], energies: (Double, Double),
              grids: [RenderGrid]) -> PairShift {
        var pair = PairShift(i: i, j: j, shift: .zero, weight: 0, used: false)
        let ni = Double(counts[i]), nj = Double(counts[j])
        guard let p = peaks[0], peaks.allSatisfy({ $0 != nil }),
              min(ni, nj) >= Double(minCount) else { return pair }
        let quality = p.height / max((energies.0 * energies.1).squareRoot(), .leastNormalMagnitude)
        // z from the second grid; or from the only one when it is 3D (image z-stacks).
        let dz = grids.count > 1 ? peaks[1]!.dz * grids[1].binZNm : (grids[0].is3D ? p.dz * grids[0].binZNm : 0)
        pair.shift = SIMD3(p.dx * grids[0].binNm, p.dy * grids[0].binNm, dz)
        pair.weight = Self.weight(ni, nj, quality: quality)
        pair.used = quality >= minPeakQuality
        return pair
    }
}
