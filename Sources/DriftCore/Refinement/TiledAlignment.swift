/// The x-y alignment of one refinement pass shared by processes in space: each process owns a
/// contiguous range of the tiles of a fixed `BandTiling` (balanced by their localisations), receives
/// the corrected localisations of every process that fall in its tiles or their halo, and aligns every
/// segment's points in its tiles only (`SegmentAligner` over its bands); the fixed-point sums
/// (`FixedKernelSums`) are summed over processes at each Newton step. So no process holds the whole
/// reference or all localisations, and the shifts are the same, bit for bit, on every process and at
/// any number of processes as on one (which sweeps every band).
struct TiledAlignment {
    let tiling: BandTiling
    let exchange: TileExchange
    /// The tiles this process owns.
    let tiles: Range<Int>
    /// The localisations held here (corrected, nm): every process's that fall in `tiles`' rows or
    /// their halo, in segment order, then in their order on the process that owns them.
    let x: [Float], y: [Float]
    let bins: ReferenceBins
    /// Rows of `x`, `y` of every segment of all processes (empty where none is held here).
    let segments: [Range<Int>]
    /// The reference made of the localisations held here: complete in every row a band of `tiles`
    /// can read.
    let reference: ReferenceRows

    /// From this process's corrected localisations `x`, `y` (nm), of which rows `rows` are the
    /// reference's, and among them its segments `owned` (row ranges), which are segments
    /// `firstSegment ..< firstSegment + owned.count` of `totalSegments` on all processes; `grid`: the
    /// finest reference. Collective.
    init(x ownX: [Float], y ownY: [Float], rows: Range<Int>, owned: [Range<Int>],
         firstSegment: Int, totalSegments: Int, grid: ReferenceGrid, tiling: BandTiling, exchange: TileExchange) {
        self.tiling = tiling
        self.exchange = exchange
        let processes = exchange.processes
        let count = rows.count, height = grid.height
        // Each localisation's row: its bin's, or the nearest one (where `BandedPoints` puts it); and
        // the localisations of each row.
        var rowOf = [Int32](repeating: 0, count: count)
        var perRow = [Int](repeating: 0, count: height)
        rowOf.withUnsafeMutableBufferPointer { rowOf in
            perRow.withUnsafeMutableBufferPointer { perRow in
                for k in 0..<count {
                    let i = rows.lowerBound + k
                    let r = grid.bin(ownX[i], ownY[i])?.iy ?? BandedPoints.nearestRow(ownY[i], grid: grid)
                    rowOf[k] = Int32(r)
                    perRow[r] += 1
                }
            }
        }
        var counts = [Int64](repeating: 0, count: tiling.tiles)
        for r in 0..<height { counts[tiling.tile(ofRow: r)] += Int64(perRow[r]) }
        exchange.sum(&counts)
        let ranges = tiling.assign(counts: counts, processes: processes)
        tiles = ranges[exchange.rank]
        // The processes that need each row's localisations (those whose tiles or halo hold it): a
        // contiguous run of them, first ... last (a process with no tiles between two that share a
        // row gets its localisations too, as the loop below sends them); and how many each is sent.
        var first = [Int32](repeating: Int32(processes), count: height), last = [Int32](repeating: -1, count: height)
        for (p, r) in ranges.enumerated() {
            let needed = tiling.rows(needed: r).clamped(to: 0..<height)
            for row in needed {
                first[row] = min(first[row], Int32(p))
                last[row] = max(last[row], Int32(p))
            }
        }
        var sendCounts = [Int](repeating: 0, count: processes)
        for row in 0..<height where first[row] <= last[row] {
            for p in Int(first[row])...Int(last[row]) { sendCounts[p] += perRow[row] }
        }
        var next = [Int](repeating: 0, count: processes)
        for p in 1..<max(processes, 1) { next[p] = next[p - 1] + sendCounts[p - 1] }
        let total = sendCounts.reduce(0, +)
        var sx = [Float](repeating: 0, count: total), sy = sx
        var ids = [UInt32](repeating: .max, count: total)
        // Each localisation to the processes that need it, in order, with its segment's number.
        // `owned` is in row order; rows of the reference outside every segment go with no segment
        // (.max): the pieces between and in the segments, each with one number.
        var pieces: [(rows: Range<Int>, id: UInt32)] = []
        var at = rows.lowerBound
        for (g, r) in owned.enumerated() where !r.isEmpty {
            if r.lowerBound > at { pieces.append((at..<r.lowerBound, .max)) }
            pieces.append((r, UInt32(firstSegment + g)))
            at = r.upperBound
        }
        if rows.upperBound > at { pieces.append((at..<rows.upperBound, .max)) }
        sx.withUnsafeMutableBufferPointer { sx in
            sy.withUnsafeMutableBufferPointer { sy in
                ids.withUnsafeMutableBufferPointer { ids in
                    next.withUnsafeMutableBufferPointer { next in
                        rowOf.withUnsafeBufferPointer { rowOf in
                            first.withUnsafeBufferPointer { first in
                                last.withUnsafeBufferPointer { last in
                                    for piece in pieces {
                                        let id = piece.id
                                        for i in piece.rows {
                                            let r = Int(rowOf[i - rows.lowerBound]), lo = Int(first[r]), hi = Int(last[r])
                                            guard lo <= hi else { continue }
                                            for p in lo...hi {
                                                let to = next[p]
                                                next[p] = to + 1
                                                sx[to] = ownX[i]; sy[to] = ownY[i]; ids[to] = id
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        rowOf = []
        x = exchange.route(sx, sendCounts)
        sx = []
        y = exchange.route(sy, sendCounts)
        sy = []
        let received = exchange.routeIndices(ids, sendCounts)
        ids = []
        bins = grid.bins(x: x, y: y)
        // The processes own consecutive segments and send in their order, so each segment's points
        // arrive together.
        var segments = [Range<Int>](repeating: 0..<0, count: totalSegments)
        var k = 0
        while k < received.count {
            var e = k + 1
            while e < received.count && received[e] == received[k] { e += 1 }
            if received[k] != .max { segments[Int(received[k])] = k..<e }
            k = e
        }
        self.segments = segments
        reference = ReferenceRows(grid: grid, bins: bins, rows: 0..<received.count)
    }

    /// Every segment's alignment (all processes') at the level whose bins are `factor` finest bins a
    /// side, as `SegmentAligner.align` with one process sweeping every strip: `start` (nm), `counts`
    /// (every segment's localisations on all processes) for all segments. Collective.
    /// `newtonFraction`: as `KernelSums.converged`; `ringStorage`: memory for the sweep's ring, kept
    /// between alignments.
    func align(factor: Int, sigmaNm: Double, start: [SIMD2<Double>], tolerance: Double, sampleAbove: Int,
               counts: [Int], newtonFraction: Double, ringStorage: RowRingStorage? = nil) -> [MeanShiftAligner.Alignment] {
        return SegmentAligner.align(x: x, y: y, bins: bins.coarsened(by: factor), segments: segments,
                                    to: reference.coarsened(by: factor), sigmaNm: sigmaNm, start: start,
                                    tolerance: tolerance, sampleAbove: sampleAbove,
                                    bands: tiling.bands(of: tiles, factor: factor), combine: exchange.sum,
                                    counts: counts, haloRows: tiling.haloRows(factor: factor),
                                    bandRows: tiling.bandRows(factor: factor), newtonFraction: newtonFraction,
                                    ringStorage: ringStorage)
    }
}
