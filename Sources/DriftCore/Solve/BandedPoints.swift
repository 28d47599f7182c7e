/// The points of many segments reordered by band of `bandRows` reference rows, then by segment, then
/// in their original order, each with its position and bin (`BandedPoint`, one array: the reorder
/// writes one stream per band, not one per field). Each band keeps a list of its runs (one per
/// segment with points in it), so memory goes with the points and the bands, not with
/// bands x segments.
struct BandedPoints {
    let bandRows: Int
    let bands: Int
    var points: [BandedPoint]
    /// Runs of band b: runSegment[r], runStart[r] ..< runStart[r + 1] for r in bandRuns[b] ..< bandRuns[b + 1];
    /// a band's runs are in segment order, and the points of run r follow those of run r - 1.
    var bandRuns: [Int]
    var runSegment: [Int32]
    var runStart: [Int]

    init(x: [Float], y: [Float], bins: ReferenceBins, segments: [Range<Int>], grid: ReferenceGrid, bandRows: Int) {
        self.bandRows = bandRows
        let bands = max(1, (grid.height + bandRows - 1) / bandRows)
        self.bands = bands
        // Counting sort on band, visiting the points in segment order (so each band's points come out
        // by segment, then in their original order); a point outside the reference goes to the band of
        // the row nearest to it (its position plus a shift may still reach the reference; it is never
        // counted in it), one not finite to band 0. The first visit counts points and runs per band.
        precondition(bandRows > 0 && y.count == x.count && bins.ix.count == x.count && bins.iy.count == x.count
                     && segments.allSatisfy { $0.lowerBound >= 0 && $0.upperBound <= x.count })
        // Written through buffers (no copy-on-write checks per point); read as arrays (bounds checked).
        let band = UnsafeMutableBufferPointer<Int32>.allocate(capacity: x.count)
        let start = UnsafeMutableBufferPointer<Int>.allocate(capacity: bands + 1)
        let runs = UnsafeMutableBufferPointer<Int>.allocate(capacity: bands + 1)
        let last = UnsafeMutableBufferPointer<Int32>.allocate(capacity: bands)
        defer { band.deallocate(); start.deallocate(); runs.deallocate(); last.deallocate() }
        start.initialize(repeating: 0)
        runs.initialize(repeating: 0)
        last.initialize(repeating: -1)
        // Bands of a power of two rows (the default tiling's) by a shift, not a division per point.
        let shift = bandRows.nonzeroBitCount == 1 ? bandRows.trailingZeroBitCount : -1
        for (g, rows) in segments.enumerated() {
            for i in rows {
                let row = bins.iy[i] >= 0 ? Int(bins.iy[i]) : Self.nearestRow(y[i], grid: grid)
                precondition(row < grid.height, "a bin outside the grid")
                let b = shift >= 0 ? row &>> shift : row / bandRows
                band[i] = Int32(b)
                start[b + 1] += 1
                if last[b] != Int32(g) { last[b] = Int32(g); runs[b + 1] += 1 }
            }
        }
        for b in 0..<bands { start[b + 1] += start[b]; runs[b + 1] += runs[b] }
        let total = start[bands], runCount = runs[bands]
        // Every point and run is written below (the counts above are of exactly these).
        var points = [BandedPoint](unsafeUninitializedCapacity: total) { _, n in n = total }
        var runSegment = [Int32](repeating: 0, count: runCount)
        var runStart = [Int](repeating: total, count: runCount + 1)
        let runsOfBands = Array(runs)
        // Where each band's next point and next run go (the counts' prefix sums are not needed again).
        let next = start, nextRun = runs
        last.update(repeating: -1)
        points.withUnsafeMutableBufferPointer { out in
            runSegment.withUnsafeMutableBufferPointer { rs in
                runStart.withUnsafeMutableBufferPointer { rst in
                    for (g, rows) in segments.enumerated() {
                        for i in rows {
                            let b = Int(band[i])
                            let to = next[b]
                            next[b] = to + 1
                            if last[b] != Int32(g) {
                                last[b] = Int32(g)
                                rs[nextRun[b]] = Int32(g)
                                rst[nextRun[b]] = to
                                nextRun[b] += 1
                            }
                            (out.baseAddress! + to).initialize(to: BandedPoint(x: x[i], y: y[i], ix: bins.ix[i], iy: bins.iy[i]))
                        }
                    }
                }
            }
        }
        self.points = points
        bandRuns = runsOfBands
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
}

/// A point of `BandedPoints`: its position (nm) and its bin (-1 in both outside the reference).
struct BandedPoint {
    var x: Float, y: Float
    var ix: Int32, iy: Int32
}
