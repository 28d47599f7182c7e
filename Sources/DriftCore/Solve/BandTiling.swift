/// The fixed tiling of a refinement reference's rows by which processes share the fine pass: tile t is
/// finest rows t x `tileRows` ..< (t + 1) x `tileRows`, numbered from the reference's first row, one
/// band (`BandSweep`) at every kernel level. A band's sums read no rows further than
/// `haloRows` from it, so a process that owns tiles a ..< b needs the points of finest rows
/// a x tileRows - haloRows ..< b x tileRows + haloRows, and no others. Where the tiles fall does not
/// change the result (the sums add exactly, `FixedKernelSums`); it only balances the work.
public struct BandTiling: Equatable, Sendable {
    /// Rows of a band of the finest reference (at a coarser level, as many finest rows): with one
    /// segment's points in a band summed as one run, taking its own counts out of the rows held and
    /// putting them back costs per run, so bands of 64 rows (512 nm at 8 nm bins, a run of about 20
    /// points on dense data) cost a third less than bands of 8 (2 or 3 points a run), measured on 0.5 M
    /// and 10 M localisations; 128 was no faster.
    public static let finestBandRows = 64
    /// Finest rows per tile: `finestBandRows` rounded up to a multiple of every level's factor (64
    /// finest bins, 512 nm at the default 8 nm bins, with the default levels' factors 2 and 1); a tile
    /// is one band at every level, so the tiles balance the ranks' localisations to within a band's
    /// share (at 16 ranks on a 133 um field plus its 1 um margins, 264 tiles).
    public let tileRows: Int
    /// Finest rows beyond a band that its sums may read: 64 (512 nm at the default 8 nm bins), far
    /// more than the kernel's reach (2 sigma) plus the residual shifts of a pass (a few nm after the
    /// coarse pass; 75 nm at most measured in a first pass), so that it never cuts a kernel in practice.
    public let haloRows: Int
    /// Number of tiles (covering every row of the finest reference).
    public let tiles: Int
    /// The tiling of a reference `rows` high whose levels have bins `factors` times the finest (each
    /// then divides `tileRows`).
    public init(rows: Int, factors: [Int]) {
        func gcd(_ a: Int, _ b: Int) -> Int { b == 0 ? a : gcd(b, a % b) }
        let lcm = factors.map { max($0, 1) }.reduce(1) { $0 / gcd($0, $1) * $1 }
        tileRows = (Self.finestBandRows + lcm - 1) / lcm * lcm
        haloRows = 64
        tiles = max(1, (rows + tileRows - 1) / tileRows)
    }

    /// The tile of finest row `row`.
    @inline(__always) public func tile(ofRow row: Int) -> Int { min(max(row, 0) / tileRows, tiles - 1) }

    /// The bands of `tiles` at the level whose bins are `factor` finest bins a side (a divisor of
    /// `tileRows`): the same numbers, a tile being one band at every level.
    public func bands(of tiles: Range<Int>, factor: Int) -> Range<Int> {
        precondition(factor >= 1 && tileRows % factor == 0)
        return tiles
    }

    /// Rows of a band at the level whose bins are `factor` finest bins a side (a divisor of
    /// `tileRows`, so that its bands are the tiles at every level and at any number of processes).
    public func bandRows(factor: Int) -> Int {
        precondition(factor >= 1 && tileRows % factor == 0)
        return tileRows / factor
    }

    /// `haloRows` in rows of the level whose bins are `factor` finest bins a side.
    public func haloRows(factor: Int) -> Int { haloRows / factor }

    /// Contiguous tile ranges, one per process in rank order, balanced by `counts` (points per tile):
    /// process p's range ends where the running count comes nearest to (p + 1) / processes of the
    /// total. Some ranges may be empty; together they cover every tile.
    public func assign(counts: [Int64], processes: Int) -> [Range<Int>] {
        precondition(counts.count == tiles && processes >= 1)
        let total = counts.reduce(0, +)
        var cuts = [0]
        var running: Int64 = 0, t = 0
        for p in 1..<processes {
            let target = (total * Int64(p) + Int64(processes) - 1) / Int64(processes)
            while t < tiles && running + counts[t] <= target { running += counts[t]; t += 1 }
            // A tile that straddles the target goes to whichever side leaves the two closer to it.
            if t < tiles && running < target && target - running > running + counts[t] - target {
                running += counts[t]; t += 1
            }
            cuts.append(max(t, cuts.last!))
        }
        cuts.append(tiles)
        return (0..<processes).map { cuts[$0]..<cuts[$0 + 1] }
    }

    /// The finest rows whose points a process owning `tiles` needs (its tiles and their halo), clipped
    /// at 0; empty when it owns none.
    public func rows(needed tiles: Range<Int>) -> Range<Int> {
        guard !tiles.isEmpty else { return 0..<0 }
        return max(0, tiles.lowerBound * tileRows - haloRows)..<(tiles.upperBound * tileRows + haloRows)
    }
}
