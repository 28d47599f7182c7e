/// One evaluation of every segment's kernel sums (`KernelSums`) at its current shift against a
/// reference that holds all the segments (`ReferenceRows`), each segment without its own points: the
/// sweep `SegmentAligner` repeats once per Newton step.
///
/// The points of all segments are visited band by band of `bandRows` reference rows (`BandedPoints`),
/// and only the rows within reach of the current band are counted, in a ring of rows that moves down
/// the field with it (`ReferenceRowWindow`): memory goes with the field's width, not its area, and the
/// rows in use stay in cache while every segment's points in them are summed. A segment's own counts
/// are taken out of the rows held exactly, in integers, while its points in the band are summed, and
/// put back after.
///
/// The sums are local: those of strip s (bands s x `bandsPerStrip` ..< (s + 1) x `bandsPerStrip`)
/// need only the points in it and the reference rows within reach of it, and come out per strip
/// (`StripSums`), each over the segment's points in band, then original, order. So the result does not
/// depend on which other segments a process holds, nor on which strips it sweeps.
final class BandSweep {
    static let bandRows = 8
    static let bandsPerStrip = 32
    let points: BandedPoints
    let reference: ReferenceRows
    let kernel: KernelEvaluator
    /// Stride through each segment's points (1: all of them).
    let step: [Int]
    private var ring: ReferenceRowWindow?

    init(x: [Float], y: [Float], bins: ReferenceBins, segments: [Range<Int>], reference: ReferenceRows,
         sigmaNm: Double, step: [Int]) {
        self.reference = reference
        kernel = KernelEvaluator(sigmaNm: sigmaNm, grid: reference.grid)
        points = BandedPoints(x: x, y: y, bins: bins, segments: segments, grid: reference.grid, bandRows: Self.bandRows)
        self.step = step
    }

    /// Number of strips of the reference.
    var strips: Int { (points.bands + Self.bandsPerStrip - 1) / Self.bandsPerStrip }

    /// The sums of the `active` segments at `shifts` (nm) over strips `strips` (all when nil), strip by
    /// strip, each strip's segments in order.
    func sums(shifts: [SIMD2<Double>], active: [Bool], strips: Range<Int>? = nil) -> [StripSums] {
        let grid = reference.grid, bandRows = Self.bandRows
        // Rows a point of a band can reach at the largest shift now: the band, and on each side the
        // kernel's radius plus that shift, plus one (see `KernelEvaluator.reach`).
        var largest = 0.0
        for g in shifts.indices where active[g] { largest = max(largest, abs(shifts[g].y)) }
        guard largest.isFinite else { return [] }
        let side = Int(((largest + kernel.radius) / grid.binNm).rounded(.up)) + 1
        if ring == nil || ring!.slots < bandRows + 2 * side {
            ring = ReferenceRowWindow(reference: reference, rows: bandRows + 2 * side)
        }
        let ring = ring!
        let counts = UnsafePointer(ring.counts), rowMask = ring.rowMask, width = grid.width
        let swept = strips ?? 0..<self.strips
        let bands = (swept.lowerBound * Self.bandsPerStrip)..<min(points.bands, swept.upperBound * Self.bandsPerStrip)
        var out: [StripSums] = []
        var partial = [KernelSums](repeating: KernelSums(), count: shifts.count)
        var touched: [Int] = [], inStrip = [Bool](repeating: false, count: shifts.count)
        points.points.withUnsafeBufferPointer { pts in
            for band in bands {
                var held = false
                var ownBands: [Int] = [], cursor: [Int] = [], own: [Range<Int>] = []
                for r in points.bandRuns[band]..<points.bandRuns[band + 1] {
                    let g = Int(points.runSegment[r])
                    guard active[g] else { continue }
                    let run = points.points(run: r)
                    if !held {
                        ring.hold((band * bandRows - side)..<((band + 1) * bandRows + side))
                        held = true
                        ownBands = Array((ring.lower / bandRows)...((ring.upper - 1) / bandRows))
                        cursor = ownBands.map { points.bandRuns[$0] }
                        own = [Range<Int>](repeating: 0..<0, count: ownBands.count)
                    }
                    // The segment's own counts out of the rows held while its points here are summed
                    // (its points outside the reference have iy -1 and are not counted). Its runs in
                    // the bands held: each band's runs are in segment order, as this band's are, so a
                    // cursor per band only moves forward.
                    for k in ownBands.indices {
                        let ob = ownBands[k], end = points.bandRuns[ob + 1]
                        while cursor[k] < end && Int(points.runSegment[cursor[k]]) < g { cursor[k] += 1 }
                        own[k] = cursor[k] < end && Int(points.runSegment[cursor[k]]) == g ? points.points(run: cursor[k]) : 0..<0
                    }
                    for k in ownBands.indices { ring.change(points: own[k], of: pts, by: -1) }
                    if !inStrip[g] { inStrip[g] = true; touched.append(g) }
                    let s = shifts[g]
                    for j in Swift.stride(from: run.lowerBound, to: run.upperBound, by: step[g]) {
                        let px = Double(pts[j].x) + s.x, py = Double(pts[j].y) + s.y
                        guard let r = kernel.reach(px, py) else { continue }
                        kernel.accumulate(&partial[g], px, py, ix0: r.ix0, iy0: r.iy0, nx: r.nx, ny: r.ny,
                                          rows: counts, rowOrigin: r.iy0, rowStride: width, rowMask: rowMask, column: r.ix0)
                    }
                    for k in ownBands.indices { ring.change(points: own[k], of: pts, by: 1) }
                }
                // The end of a strip: its sums, segment by segment.
                if (band + 1) % Self.bandsPerStrip == 0 || band + 1 == bands.upperBound {
                    for g in touched.sorted() {
                        out.append(StripSums(strip: band / Self.bandsPerStrip, segment: g, sums: partial[g]))
                        partial[g] = KernelSums()
                        inStrip[g] = false
                    }
                    touched.removeAll(keepingCapacity: true)
                }
            }
        }
        ring.empty()
        return out
    }
}
