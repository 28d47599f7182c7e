/// Aligns many segments at once to a `ReferenceDensity` that holds all of them, each segment against
/// the reference without its own localisations, with the same kernel sums and Newton steps as
/// `MeanShiftAligner` (and the same result).
///
/// The reference of a whole field is far larger than the caches, and one segment's points are spread
/// over all of it, so aligning segment after segment fetches every bin from memory again for every
/// segment. Here the points of all segments are visited band by band of reference rows
/// (`BandedPoints`), so each band's bins stay in cache while every segment's points in it are summed.
/// A segment's own counts are taken out of each point's window of bins exactly, in integers, from its
/// own points in the bands within reach.
///
/// Each segment's sums run over its own points in an order that depends only on those points (band,
/// then original order), so the result does not depend on which other segments a process holds.
public enum SegmentAligner {
    /// `x`, `y`: the corrected positions (nm) whose bins in `bins` (at `reference`'s bin size, made by
    /// `ReferenceDensity.bins`) were added to `reference`; `segments`: row ranges; `start`: first guess
    /// of each segment's shift, nm; `sampleAbove`: see below (the default aligns every point).
    public static func align(x: [Float], y: [Float], bins: ReferenceBins, segments: [Range<Int>],
                             to reference: ReferenceDensity, sigmaNm: Double, start: [SIMD2<Double>],
                             tolerance: Double = 0.005, maxIterations: Int = 50,
                             sampleAbove: Int = .max) -> [MeanShiftAligner.Alignment] {
        precondition(start.count == segments.count && bins.ix.count == x.count)
        let kernel = KernelEvaluator(sigmaNm: sigmaNm, reference: reference)
        let points = BandedPoints(x: x, y: y, bins: bins, segments: segments, height: reference.height, bandRows: 8)
        var result = start.map { MeanShiftAligner.Alignment(shift: $0, support: 0, iterations: 0) }
        var active = segments.map { !$0.isEmpty }
        let n = segments.count
        var sums = [KernelSums](repeating: KernelSums(), count: n)
        // A segment of more than `sampleAbove` points aligns every k-th of them only (k = its count /
        // sampleAbove, at most 4), still without all its own counts: enough where the result only has
        // to come within reach of a finer kernel.
        let step = segments.map { max(1, min(4, $0.count / max(sampleAbove, 1))) }
        let window = kernel.window, span = KernelEvaluator.lanes, spare = kernel.spare
        points.ix.withUnsafeBufferPointer { ix in points.iy.withUnsafeBufferPointer { iy in
        reference.counts.withUnsafeBufferPointer { c in
            let counts = c.baseAddress!
            for _ in 0..<maxIterations where active.contains(true) {
                for g in 0..<n where active[g] { sums[g] = KernelSums(); result[g].iterations += 1 }
                for band in 0..<points.bands {
                    for g in 0..<n where active[g] {
                        let run = points.run(band: band, segment: g)
                        guard !run.isEmpty else { continue }
                        let s = result[g].shift
                        for j in Swift.stride(from: run.lowerBound, to: run.upperBound, by: step[g]) {
                            let px = Double(points.x[j]) + s.x, py = Double(points.y[j]) + s.y
                            guard let r = kernel.reach(px, py) else { continue }
                            kernel.gather(counts, ix0: r.ix0, iy0: r.iy0, nx: r.nx, ny: r.ny)
                            // The segment's own counts out of the window (branch-free: a point out of
                            // reach takes its count from the spare slot after the window).
                            let firstBand = r.iy0 / points.bandRows, lastBand = (r.iy0 + r.ny - 1) / points.bandRows
                            for ob in firstBand...lastBand {
                                for i in points.run(band: ob, segment: g) {
                                    let bx = Int(ix[i]) &- r.ix0, by = Int(iy[i]) &- r.iy0
                                    let inside = UInt(bitPattern: bx) < UInt(r.nx) && UInt(bitPattern: by) < UInt(r.ny)
                                    window[inside ? by &* span &+ bx : spare] &-= 1
                                }
                            }
                            kernel.accumulate(&sums[g], px, py, ix0: r.ix0, iy0: r.iy0, nx: r.nx, ny: r.ny)
                        }
                    }
                }
                for g in 0..<n where active[g] {
                    result[g].support = sums[g].k0
                    guard let (step, newton) = sums[g].step(sigmaNm: sigmaNm) else { active[g] = false; continue }
                    result[g].shift += step
                    if KernelSums.converged(step: step, newton: newton, sigmaNm: sigmaNm, tolerance: tolerance) { active[g] = false }
                }
            }
        } } }
        return result
    }
}
