/// Aligns many segments at once to a reference that holds all of them (`ReferenceRows`), each segment
/// against the reference without its own localisations, with the same kernel sums and Newton steps as
/// `MeanShiftAligner` against the same counts (and, at the default `newtonFraction` of 1/20, the same
/// result to rounding): each Newton step is
/// one `BandSweep` over all segments. With `combine`, each process sweeps only its `bands` and
/// `combine` must replace its sums (`FixedKernelSums.flat`) by their sum over processes; the steps
/// are then the same on every process, bit for bit, as one process sweeping every band.
public enum SegmentAligner {
    /// The same against the counts of a whole field.
    public static func align(x: [Float], y: [Float], bins: ReferenceBins, segments: [Range<Int>],
                             to reference: ReferenceDensity, sigmaNm: Double, start: [SIMD2<Double>],
                             tolerance: Double = 0.005, maxIterations: Int = 50,
                             sampleAbove: Int = .max) -> [MeanShiftAligner.Alignment] {
        align(x: x, y: y, bins: bins, segments: segments, to: ReferenceRows(reference), sigmaNm: sigmaNm, start: start,
              tolerance: tolerance, maxIterations: maxIterations, sampleAbove: sampleAbove)
    }

    /// `x`, `y`: the corrected positions (nm) whose bins in `bins` (on `reference.grid`, made by
    /// `ReferenceGrid.bins`) are among `reference`'s points; `segments`: row ranges; `start`: first
    /// guess of each segment's shift, nm; `sampleAbove`: see below (the default aligns every point);
    /// `bands`, `combine`: see above (by default this process sweeps every band). `counts`: each
    /// segment's points on all processes, where this one holds only some (`segments`' sizes by
    /// default); `haloRows`: rows beyond a band its points' sums may read (`BandSweep`; by default all);
    /// `bandRows`: rows of a band (`BandTiling.bandRows(factor:)`); `newtonFraction`: a segment stops
    /// after a Newton step shorter than this times sigma (`KernelSums.converged`).
    public static func align(x: [Float], y: [Float], bins: ReferenceBins, segments: [Range<Int>],
                             to reference: ReferenceRows, sigmaNm: Double, start: [SIMD2<Double>],
                             tolerance: Double = 0.005, maxIterations: Int = 50,
                             sampleAbove: Int = .max, bands: Range<Int>? = nil,
                             combine: ((inout [Int64]) -> Void)? = nil,
                             counts: [Int]? = nil, haloRows: Int = .max / 4,
                             bandRows: Int = BandTiling.finestBandRows,
                             newtonFraction: Double = 1.0 / 20) -> [MeanShiftAligner.Alignment] {
        align(x: x, y: y, bins: bins, segments: segments, to: reference, sigmaNm: sigmaNm, start: start,
              tolerance: tolerance, maxIterations: maxIterations, sampleAbove: sampleAbove, bands: bands,
              combine: combine, counts: counts, haloRows: haloRows, bandRows: bandRows,
              newtonFraction: newtonFraction, ringStorage: nil)
    }

    /// The same, with the sweep's ring in `ringStorage` (kept from one alignment to the next).
    static func align(x: [Float], y: [Float], bins: ReferenceBins, segments: [Range<Int>],
                      to reference: ReferenceRows, sigmaNm: Double, start: [SIMD2<Double>],
                      tolerance: Double, maxIterations: Int = 50, sampleAbove: Int, bands: Range<Int>?,
                      combine: ((inout [Int64]) -> Void)?, counts: [Int]?, haloRows: Int,
                      bandRows: Int, newtonFraction: Double, ringStorage: RowRingStorage?) -> [MeanShiftAligner.Alignment] {
        precondition(start.count == segments.count && bins.ix.count == x.count)
        let counts = counts ?? segments.map(\.count)
        precondition(counts.count == segments.count)
        var result = start.map { MeanShiftAligner.Alignment(shift: $0, support: 0, iterations: 0) }
        var active = counts.map { $0 > 0 }
        let n = segments.count
        // A segment of more than `sampleAbove` points aligns every k-th of them only (k = its count /
        // sampleAbove, at most 4), still without all its own counts: enough where the result only has
        // to come within reach of a finer kernel.
        let every = counts.map { max(1, min(4, $0 / max(sampleAbove, 1))) }
        let sweep = BandSweep(x: x, y: y, bins: bins, segments: segments, reference: reference, sigmaNm: sigmaNm,
                              step: every, haloRows: haloRows, bandRows: bandRows, ringStorage: ringStorage)
        for _ in 0..<maxIterations where active.contains(true) {
            for g in 0..<n where active[g] { result[g].iterations += 1 }
            var sums = sweep.sums(shifts: result.map(\.shift), active: active, bands: bands)
            if let combine {
                var flat = FixedKernelSums.flat(sums)
                combine(&flat)
                sums = FixedKernelSums.unflat(flat)
            }
            for g in 0..<n where active[g] {
                let total = sums[g].sums
                result[g].support = total.k0
                guard let (step, newton) = total.step(sigmaNm: sigmaNm) else { active[g] = false; continue }
                result[g].shift += step
                if KernelSums.converged(step: step, newton: newton, sigmaNm: sigmaNm, tolerance: tolerance,
                                        newtonFraction: newtonFraction) { active[g] = false }
            }
        }
        return result
    }
}
