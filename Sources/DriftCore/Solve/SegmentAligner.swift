/// Aligns many segments at once to a reference that holds all of them (`ReferenceRows`), each segment
/// against the reference without its own localisations, with the same kernel sums and Newton steps as
/// `MeanShiftAligner` against the same counts (and the same result).
///
/// The counts of a whole field are far larger than the caches (and than the points, on a large sparse
/// field), and one segment's points are spread over all of it. Here the points of all segments are
/// visited band by band of reference rows (`BandedPoints`), and only the rows within reach of the
/// current band are counted, in a ring of rows that moves down the field with it
/// (`ReferenceRowWindow`): memory goes with the field's width, not its area, and the rows in use stay
/// in cache while every segment's points in them are summed. A segment's own counts are taken out of
/// the rows held exactly, in integers, while its points in the band are summed, and put back after.
///
/// Each segment's sums run over its own points in an order that depends only on those points (band,
/// then original order), so the result does not depend on which other segments a process holds.
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
    /// guess of each segment's shift, nm; `sampleAbove`: see below (the default aligns every point).
    public static func align(x: [Float], y: [Float], bins: ReferenceBins, segments: [Range<Int>],
                             to reference: ReferenceRows, sigmaNm: Double, start: [SIMD2<Double>],
                             tolerance: Double = 0.005, maxIterations: Int = 50,
                             sampleAbove: Int = .max) -> [MeanShiftAligner.Alignment] {
        precondition(start.count == segments.count && bins.ix.count == x.count)
        let grid = reference.grid
        let kernel = KernelEvaluator(sigmaNm: sigmaNm, grid: grid)
        let points = BandedPoints(x: x, y: y, bins: bins, segments: segments, grid: grid, bandRows: 8)
        var rowWindow: ReferenceRowWindow? = nil
        var result = start.map { MeanShiftAligner.Alignment(shift: $0, support: 0, iterations: 0) }
        var active = segments.map { !$0.isEmpty }
        let n = segments.count
        var sums = [KernelSums](repeating: KernelSums(), count: n)
        // A segment of more than `sampleAbove` points aligns every k-th of them only (k = its count /
        // sampleAbove, at most 4), still without all its own counts: enough where the result only has
        // to come within reach of a finer kernel.
        let step = segments.map { max(1, min(4, $0.count / max(sampleAbove, 1))) }
        let width = grid.width
        points.ix.withUnsafeBufferPointer { ix in points.iy.withUnsafeBufferPointer { iy in
            for _ in 0..<maxIterations where active.contains(true) {
                // Rows a point of a band can reach at the largest shift now: the band, and on each side
                // the kernel's radius plus that shift, plus one (see `reach`).
                var largest = 0.0
                for g in 0..<n where active[g] { largest = max(largest, abs(result[g].shift.y)) }
                guard largest.isFinite else { break }
                let side = Int(((largest + kernel.radius) / grid.binNm).rounded(.up)) + 1
                if rowWindow == nil || rowWindow!.slots < points.bandRows + 2 * side {
                    rowWindow = ReferenceRowWindow(reference: reference, rows: points.bandRows + 2 * side)
                }
                let ring = rowWindow!
                let counts = UnsafePointer(ring.counts), rowMask = ring.rowMask
                for g in 0..<n where active[g] { sums[g] = KernelSums(); result[g].iterations += 1 }
                for band in 0..<points.bands {
                    var held = false
                    var ownBands: [Int] = [], cursor: [Int] = [], own: [Range<Int>] = []
                    for r in points.bandRuns[band]..<points.bandRuns[band + 1] {
                        let g = Int(points.runSegment[r])
                        guard active[g] else { continue }
                        let run = points.points(run: r)
                        if !held {
                            ring.hold((band * points.bandRows - side)..<((band + 1) * points.bandRows + side))
                            held = true
                            ownBands = Array((ring.lower / points.bandRows)...((ring.upper - 1) / points.bandRows))
                            cursor = ownBands.map { points.bandRuns[$0] }
                            own = [Range<Int>](repeating: 0..<0, count: ownBands.count)
                        }
                        // The segment's own counts out of the rows held while its points here are
                        // summed (its points outside the reference have iy -1 and are not counted).
                        // Its runs in the bands held: each band's runs are in segment order, as this
                        // band's are, so a cursor per band only moves forward.
                        for k in ownBands.indices {
                            let ob = ownBands[k], end = points.bandRuns[ob + 1]
                            while cursor[k] < end && Int(points.runSegment[cursor[k]]) < g { cursor[k] += 1 }
                            own[k] = cursor[k] < end && Int(points.runSegment[cursor[k]]) == g ? points.points(run: cursor[k]) : 0..<0
                        }
                        for k in ownBands.indices { ring.change(points: own[k], ix: ix, iy: iy, by: -1) }
                        let s = result[g].shift
                        for j in Swift.stride(from: run.lowerBound, to: run.upperBound, by: step[g]) {
                            let px = Double(points.x[j]) + s.x, py = Double(points.y[j]) + s.y
                            guard let r = kernel.reach(px, py) else { continue }
                            kernel.accumulate(&sums[g], px, py, ix0: r.ix0, iy0: r.iy0, nx: r.nx, ny: r.ny,
                                              rows: counts, rowOrigin: r.iy0, rowStride: width, rowMask: rowMask, column: r.ix0)
                        }
                        for k in ownBands.indices { ring.change(points: own[k], ix: ix, iy: iy, by: 1) }
                    }
                }
                ring.empty()
                for g in 0..<n where active[g] {
                    result[g].support = sums[g].k0
                    guard let (step, newton) = sums[g].step(sigmaNm: sigmaNm) else { active[g] = false; continue }
                    result[g].shift += step
                    if KernelSums.converged(step: step, newton: newton, sigmaNm: sigmaNm, tolerance: tolerance) { active[g] = false }
                }
            }
        } }
        return result
    }
}
