/// The points of many segments reordered by band of `bandRows` reference rows, then by segment, then
/// in their original order; positions and bins travel with them. Each band keeps a list of its runs
/// (one per segment with points in it), so memory goes with the points and the bands, not with
/// bands x segments.
struct BandedPoints {
    let bandRows: Int
    let bands: Int
    var x: [Float], y: [Float]
    var ix: [Int32], iy: [Int32]
    /// Runs of band b: runSegment[r], runStart[r] ..< runStart[r + 1] for r in bandRuns[b] ..< bandRuns[b + 1];
    /// a band's runs are in segment order, and the points of run r follow those of run r - 1.
    var bandRuns: [Int]
    var runSegment: [Int32]
    var runStart: [Int]

    init(x: [Float], y: [Float], bins: ReferenceBins, segments: [Range<Int>], grid: ReferenceGrid, bandRows: Int) {
        self.bandRows = bandRows
        bands = max(1, (grid.height + bandRows - 1) / bandRows)
        // Counting sort on band, visiting the points in segment order (so each band's points come out
        // by segment, then in their original order); a point outside the reference goes to the band of
        // the row nearest to it (its position plus a shift may still reach the reference; it is never
        // counted in it), one not finite to band 0.
        var band = [Int32](repeating: 0, count: x.count)
        var start = [Int](repeating: 0, count: bands + 1)
        for rows in segments {
            for i in rows {
                let row = bins.iy[i] >= 0 ? Int(bins.iy[i]) : Self.nearestRow(y[i], grid: grid)
                let b = row / bandRows
                band[i] = Int32(b)
                start[b + 1] += 1
            }
        }
        for b in 0..<bands { start[b + 1] += start[b] }
        let total = start[bands]
        var sx = [Float](repeating: 0, count: total), sy = sx
        var bx = [Int32](repeating: 0, count: total), by = bx
        var segmentOf = [Int32](repeating: 0, count: total)
        var next = start
        for (g, rows) in segments.enumerated() {
            for i in rows {
                let b = Int(band[i])
                let to = next[b]
                next[b] = to + 1
                sx[to] = x[i]; sy[to] = y[i]; bx[to] = bins.ix[i]; by[to] = bins.iy[i]
                segmentOf[to] = Int32(g)
            }
        }
        self.x = sx; self.y = sy; ix = bx; iy = by
        // The runs: where the segment changes within a band.
        var bandRuns = [Int](repeating: 0, count: bands + 1)
        var runSegment: [Int32] = [], runStart: [Int] = []
        for b in 0..<bands {
            bandRuns[b] = runSegment.count
            var k = start[b]
            while k < start[b + 1] {
                runSegment.append(segmentOf[k])
                runStart.append(k)
                let g = segmentOf[k]
                while k < start[b + 1] && segmentOf[k] == g { k += 1 }
            }
        }
        bandRuns[bands] = runSegment.count
        runStart.append(total)
        self.bandRuns = bandRuns
        self.runSegment = runSegment
        self.runStart = runStart
    }

    /// The reference row nearest to y (nm); 0 when y is not finite.
    static func nearestRow(_ y: Float, grid: ReferenceGrid) -> Int {
        let f = ((Double(y) - grid.originY) / grid.binNm).rounded(.down)
        guard f.isFinite else { return 0 }
        return Int(min(max(f, 0), Double(grid.height - 1)))
    }

    /// The points of run r.
    @inline(__always) func points(run r: Int) -> Range<Int> { runStart[r]..<runStart[r + 1] }

    /// The points of segment g in band b (empty when it has none there, or b is not a band).
    @inline(__always) func run(band b: Int, segment g: Int) -> Range<Int> {
        guard b >= 0 && b < bands else { return 0..<0 }
        var lo = bandRuns[b], hi = bandRuns[b + 1]
        let key = Int32(g)
        while lo < hi {
            let mid = (lo + hi) >> 1
            if runSegment[mid] < key { lo = mid + 1 } else { hi = mid }
        }
        return lo < bandRuns[b + 1] && runSegment[lo] == key ? points(run: lo) : 0..<0
    }
}
