/// A refinement reference held as the bins of its points, sorted by row, instead of as the counts of
/// the whole field: the counts of any few rows can be rebuilt from it (`ReferenceRowWindow`), so
/// memory goes with the points (4 bytes each, plus one index per row), not with the field's area.
/// The order of points within a row is not kept: counts are integers, so it does not matter.
public struct ReferenceRows: Sendable {
    public let grid: ReferenceGrid
    /// Points of row iy: columns[rowStart[iy] ..< rowStart[iy + 1]].
    public private(set) var rowStart: [Int]
    public private(set) var columns: [Int32]

    /// The points of `rows` whose bins (on `grid`, as `ReferenceGrid.bins` gives them) are inside.
    public init(grid: ReferenceGrid, bins: ReferenceBins, rows: Range<Int>) {
        self.grid = grid
        precondition(rows.lowerBound >= 0 && rows.upperBound <= bins.ix.count && rows.upperBound <= bins.iy.count)
        // A counting sort by row: the points of each row, then their columns in row order.
        var start = [Int](repeating: 0, count: grid.height + 1)
        var sorted: [Int32] = []
        bins.ix.withUnsafeBufferPointer { ix in
            bins.iy.withUnsafeBufferPointer { iy in
                start.withUnsafeMutableBufferPointer { start in
                    for i in rows where ix[i] >= 0 {
                        precondition(iy[i] >= 0 && iy[i] < grid.height && ix[i] < grid.width, "a bin outside the grid")
                        start[Int(iy[i]) + 1] += 1
                    }
                    for r in 0..<grid.height { start[r + 1] += start[r] }
                    var next = Array(start[0..<grid.height])
                    sorted = [Int32](unsafeUninitializedCapacity: start[grid.height]) { out, count in
                        next.withUnsafeMutableBufferPointer { next in
                            for i in rows where ix[i] >= 0 {
                                let r = Int(iy[i])
                                out[next[r]] = ix[i]
                                next[r] += 1
                            }
                        }
                        count = start[grid.height]
                    }
                }
            }
        }
        rowStart = start
        columns = sorted
    }

    /// The points of a `ReferenceDensity` (each bin's count of them).
    public init(_ density: ReferenceDensity) {
        let w = density.width
        self.init(grid: density.grid, count: density.counts.reduce(0) { $0 + Int(max($1, 0)) }) { emit in
            for (k, c) in density.counts.enumerated() where c > 0 {
                for _ in 0..<c { emit(k / w, Int32(k % w)) }
            }
        }
    }

    /// A counting sort by row of the points `each` emits (row, column), at most `count` of them.
    private init(grid: ReferenceGrid, count: Int, each: ((Int, Int32) -> Void) -> Void) {
        self.grid = grid
        var rowOf = [Int32](), columnOf = [Int32]()
        rowOf.reserveCapacity(count)
        columnOf.reserveCapacity(count)
        each { row, column in rowOf.append(Int32(row)); columnOf.append(column) }
        var start = [Int](repeating: 0, count: grid.height + 1)
        for r in rowOf { start[Int(r) + 1] += 1 }
        for r in 0..<grid.height { start[r + 1] += start[r] }
        rowStart = start
        var next = start
        var sorted = [Int32](repeating: 0, count: rowOf.count)
        for k in rowOf.indices {
            let r = Int(rowOf[k])
            sorted[next[r]] = columnOf[k]
            next[r] += 1
        }
        columns = sorted
    }

    /// The same points in bins `factor` times larger (as `ReferenceDensity.coarsened(by:)` sums them).
    public func coarsened(by factor: Int) -> ReferenceRows {
        guard factor > 1 else { return self }
        let coarse = grid.coarsened(by: factor)
        return ReferenceRows(grid: coarse, rowStart: (0...coarse.height).map { rowStart[min($0 * factor, grid.height)] },
                             columns: columns.map { $0 / Int32(factor) })
    }

    private init(grid: ReferenceGrid, rowStart: [Int], columns: [Int32]) {
        self.grid = grid
        self.rowStart = rowStart
        self.columns = columns
    }

    /// Number of points.
    public var count: Int { columns.count }
}
