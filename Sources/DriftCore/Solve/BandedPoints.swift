/// The points of many segments reordered by band of `bandRows` reference rows, then by segment, then
/// in their original order; positions and bins travel with them.
struct BandedPoints {
    let bandRows: Int
    let bands: Int
    let segmentCount: Int
    var x: [Float], y: [Float]
    var ix: [Int32], iy: [Int32]
    /// Run of segment g in band b: runStart[b * segmentCount + g] ..< runStart[b * segmentCount + g + 1].
    var runStart: [Int]

    init(x: [Float], y: [Float], bins: ReferenceBins, segments: [Range<Int>], grid: ReferenceGrid, bandRows: Int) {
        let height = grid.height
        self.bandRows = bandRows
        bands = max(1, (height + bandRows - 1) / bandRows)
        segmentCount = segments.count
        let keys = bands * segmentCount
        // Counting sort on (band, segment); a point outside the reference goes to the band of the row
        // nearest to it (its position plus a shift may still reach the reference; it is never counted
        // in it), one not finite to band 0.
        var key = [Int32](repeating: 0, count: x.count)
        var start = [Int](repeating: 0, count: keys + 1)
        for (g, rows) in segments.enumerated() {
            for i in rows {
                let row = bins.iy[i] >= 0 ? Int(bins.iy[i]) : Self.nearestRow(y[i], grid: grid)
                let k = row / bandRows * segmentCount + g
                key[i] = Int32(k)
                start[k + 1] += 1
            }
        }
        for k in 0..<keys { start[k + 1] += start[k] }
        runStart = start
        let total = start[keys]
        var sx = [Float](repeating: 0, count: total), sy = sx
        var bx = [Int32](repeating: 0, count: total), by = bx
        for rows in segments {
            for i in rows {
                let k = Int(key[i])
                let to = start[k]
                start[k] = to + 1
                sx[to] = x[i]; sy[to] = y[i]; bx[to] = bins.ix[i]; by[to] = bins.iy[i]
            }
        }
        self.x = sx; self.y = sy; ix = bx; iy = by
    }

    /// The reference row nearest to y (nm); 0 when y is not finite.
    static func nearestRow(_ y: Float, grid: ReferenceGrid) -> Int {
        let f = ((Double(y) - grid.originY) / grid.binNm).rounded(.down)
        guard f.isFinite else { return 0 }
        return Int(min(max(f, 0), Double(grid.height - 1)))
    }

    @inline(__always) func run(band: Int, segment: Int) -> Range<Int> {
        guard band >= 0 && band < bands else { return 0..<0 }
        let k = band * segmentCount + segment
        return runStart[k]..<runStart[k + 1]
    }
}
