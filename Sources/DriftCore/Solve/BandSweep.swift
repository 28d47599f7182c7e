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
/// The sums are local: each run (one segment's points in one band) is summed over its points in
/// their original order (those whose kernel weights are off the table, windows cut short at the
/// field's edge or by the halo, after the others, in their order too) against rows at most
/// `haloRows` from its band (rows beyond are left out of a
/// point's kernel), and rounded to fixed point (`FixedKernelSums`), which adds exactly. So a
/// segment's sums do not depend on which other segments a process holds, nor on which bands it
/// sweeps: a process that holds the points of its bands and of `haloRows` rows either side has all
/// they need (`BandTiling`), and the processes' sums add up to one process's, bit for bit.
final class BandSweep {
    /// Rows of a band of this sweep's reference.
    let bandRows: Int
    let points: BandedPoints
    let reference: ReferenceRows
    let kernel: KernelEvaluator
    /// Stride through each segment's points (1: all of them).
    let step: [Int]
    /// Rows beyond a band that its points' sums may read.
    let haloRows: Int
    private var ring: ReferenceRowWindow?
    /// Points of a run summed in single precision before their sums are added into double precision
    /// (in a fixed order, so a run's sums do not depend on where it is summed): a run of a dense
    /// cluster or bead can hold thousands of points.
    static let flushPoints = 256

    /// Memory for the ring, kept between sweeps (nil: the ring's own).
    private let ringStorage: RowRingStorage?
    /// Indices into `points.points` of the current run's points left for after the others (room for
    /// the longest run).
    private let offTable: UnsafeMutablePointer<Int>
    /// Points whose windows are found before their sums are made.
    static let batchPoints = 8
    private let batch: UnsafeMutablePointer<BatchedPoint>

    deinit { offTable.deallocate(); batch.deallocate() }

    init(x: [Float], y: [Float], bins: ReferenceBins, segments: [Range<Int>], reference: ReferenceRows,
         sigmaNm: Double, step: [Int], haloRows: Int = .max / 4, bandRows: Int = BandTiling.finestBandRows,
         ringStorage: RowRingStorage? = nil) {
        self.reference = reference
        self.ringStorage = ringStorage
        self.bandRows = bandRows
        kernel = KernelEvaluator(sigmaNm: sigmaNm, grid: reference.grid)
        points = BandedPoints(x: x, y: y, bins: bins, segments: segments, grid: reference.grid, bandRows: bandRows)
        var longest = 0
        for r in 0..<(points.runStart.count - 1) { longest = max(longest, points.runStart[r + 1] - points.runStart[r]) }
        offTable = .allocate(capacity: max(1, longest))
        batch = .allocate(capacity: Self.batchPoints)
        self.step = step
        self.haloRows = haloRows
    }

    /// Number of bands of the reference.
    var bands: Int { points.bands }

    /// The sums of the `active` segments at `shifts` (nm) over bands `bands` (all when nil), one per
    /// segment (zero for the others).
    func sums(shifts: [SIMD2<Double>], active: [Bool], bands swept: Range<Int>? = nil) -> [FixedKernelSums] {
        let grid = reference.grid, bandRows = bandRows
        var out = [FixedKernelSums](repeating: FixedKernelSums(), count: shifts.count)
        // Rows a point of a band can reach at the largest shift now: the band, and on each side the
        // kernel's radius plus that shift, plus one (see `KernelEvaluator.reach`); at most the halo.
        var largest = 0.0
        for g in shifts.indices where active[g] { largest = max(largest, abs(shifts[g].y)) }
        guard largest.isFinite else { return out }
        let side = min(Int(((largest + kernel.radius) / grid.binNm).rounded(.up)) + 1, haloRows)
        if ring == nil || ring!.slots < bandRows + 2 * side {
            ring = nil      // gives back its storage first
            ring = ReferenceRowWindow(reference: reference, rows: bandRows + 2 * side, storage: ringStorage)
        }
        let ring = ring!
        let counts = UnsafePointer(ring.counts), rowMask = ring.rowMask, width = grid.width
        // The kernel's constants as a local value, its scratch as a pointer (see `KernelGeometry`).
        let geometry = kernel.geometry, rowWeights = kernel.rowWeights, offTable = offTable, batch = batch
        let bands = (swept ?? 0..<points.bands).clamped(to: 0..<points.bands)
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
                    let s = shifts[g], lower = ring.lower, upper = ring.upper
                    var partial = KernelLaneSums(), total = KernelSums(), pending = 0, deferred = 0
                    // The points in batches: first where each one's window is and where its weights
                    // lie in the kernel's table (independent work, done at the processor's width),
                    // then their sums in order (each point's path from its position to its sums is
                    // short). Points with a weight off the table (a window cut short at the field's
                    // edge or by the halo) are summed after the others, so that these loops call nothing.
                    let stride = step[g]
                    var j = run.lowerBound
                    while j < run.upperBound {
                        var n = 0
                        while n < Self.batchPoints && j < run.upperBound {
                            let i = j
                            j &+= stride
                            let px = Double(pts[i].x) + s.x, py = Double(pts[i].y) + s.y
                            guard let r = geometry.reach(px, py) else { continue }
                            // Only the rows held (all in reach, unless the halo cuts them off).
                            let iy0 = max(r.iy0, lower), ny = min(r.iy0 &+ r.ny, upper) &- iy0
                            guard ny > 0 else { continue }
                            let (d0x, d0y) = geometry.offsets(px, py, ix0: r.ix0, iy0: iy0)
                            let tx = geometry.tablePosition(d0x), ty = geometry.tablePosition(d0y)
                            guard geometry.onTable(tx) && geometry.onTable(ty) else {
                                offTable[deferred] = i; deferred &+= 1; continue
                            }
                            batch[n] = BatchedPoint(d0x: d0x, d0y: d0y, tx: tx, ty: ty, ix0: r.ix0, iy0: iy0, nx: r.nx, ny: ny)
                            n &+= 1
                        }
                        for k in 0..<n {
                            if pending == Self.flushPoints { total.add(KernelSums(partial)); partial = KernelLaneSums(); pending = 0 }
                            let p = batch[k]
                            geometry.add(&partial, d0x: p.d0x, d0y: p.d0y, wx: geometry.tableWeights(p.tx),
                                         wy: geometry.tableWeights(p.ty), nx: p.nx, ny: p.ny, rows: counts, rowOrigin: p.iy0,
                                         rowStride: width, rowMask: rowMask, column: p.ix0, rowWeights: rowWeights)
                            pending &+= 1
                        }
                    }
                    for k in 0..<deferred {
                        if pending == Self.flushPoints { total.add(KernelSums(partial)); partial = KernelLaneSums(); pending = 0 }
                        let j = offTable[k]
                        let px = Double(pts[j].x) + s.x, py = Double(pts[j].y) + s.y
                        let r = geometry.reach(px, py)!
                        let iy0 = max(r.iy0, lower), ny = min(r.iy0 &+ r.ny, upper) &- iy0
                        geometry.accumulate(&partial, px, py, ix0: r.ix0, iy0: iy0, nx: r.nx, ny: ny,
                                            rows: counts, rowOrigin: iy0, rowStride: width, rowMask: rowMask, column: r.ix0,
                                            rowWeights: rowWeights)
                        pending &+= 1
                    }
                    for k in ownBands.indices { ring.change(points: own[k], of: pts, by: 1) }
                    total.add(KernelSums(partial))
                    out[g].add(FixedKernelSums(total))
                }
            }
        }
        ring.empty()
        return out
    }

    /// A point of a batch: its window's first bin (ix0, iy0) and size (nx, ny), the offsets of that
    /// bin's centre from it (nm) and where they lie in the kernel's table (steps).
    private struct BatchedPoint {
        var d0x: Double, d0y: Double, tx: Double, ty: Double
        var ix0: Int, iy0: Int, nx: Int, ny: Int
    }
}
