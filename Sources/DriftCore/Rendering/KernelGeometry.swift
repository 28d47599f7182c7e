import Foundation

/// The constants of a `KernelEvaluator` (nm; its weight table is the evaluator's), and its work per
/// point, as a value.
struct KernelGeometry {
    /// The kernel's width and its cut (2 sigma), nm; 1 / (2 sigma^2), nm^-2.
    let sigma: Double
    let radius: Double
    let inv2s2: Double
    /// The reference's bins (nm) and origin (nm), and its size in bins.
    let binNm: Double, originX: Double, originY: Double
    let width: Int, height: Int
    /// The evaluator's weight table, where it starts (nm) and its steps per nm.
    let table: UnsafePointer<SIMD8<Float>>
    let tableStart: Double, tableScale: Double
    /// The bounds a point must lie strictly within to reach a bin (nm).
    let lowX: Double, highX: Double, lowY: Double, highY: Double
    /// 1 / binNm (nm^-1): bins are found by multiplying by it, not dividing (a division's latency is most of a
    /// point's path to its window; the same bins at the defaults' 8 and 16 nm, powers of two).
    let inverseBin: Double

    init(sigma: Double, grid: ReferenceGrid, table: UnsafePointer<SIMD8<Float>>) {
        self.sigma = sigma
        radius = 2 * sigma
        inv2s2 = 1 / (2 * sigma * sigma)
        binNm = grid.binNm; originX = grid.originX; originY = grid.originY
        width = grid.width; height = grid.height
        self.table = table
        tableStart = -radius - binNm
        tableScale = Double(KernelEvaluator.tableSteps) / binNm
        lowX = originX - radius; highX = originX + Double(width) * binNm + radius
        lowY = originY - radius; highY = originY + Double(height) * binNm + radius
        inverseBin = 1 / binNm
    }

    /// One axis's weights exp(-(d0 + k b)^2 / (2 sigma^2)), k = 0 ..< lanes, d0 in nm: interpolated in
    /// `table` (a window's first bin centre lies within half a bin of -radius), exact elsewhere (a
    /// window cut short at its start by the rows held or by the reference's first row or column).
    @inline(__always) func axisWeights(_ d0: Double) -> SIMD8<Float> {
        let t = tablePosition(d0)
        return onTable(t) ? tableWeights(t) : exactWeights(d0)
    }

    /// The integer below `v`, for |v| < 2^51 (never NaN): `v` rounded down, plus 1.5 x 2^52, whose bit
    /// pattern is then that of 1.5 x 2^52 plus the integer. The same as `Int(v.rounded(.down))` without
    /// its range checks (a point's path to its window has six of these).
    @inline(__always) static func floor(_ v: Double) -> Int {
        let magic = 6_755_399_441_055_744.0
        return Int(bitPattern: UInt((v.rounded(.down) + magic).bitPattern)) &- Int(bitPattern: UInt(magic.bitPattern))
    }

    /// sum += a * b, lane by lane: fused (one rounding) where the build targets a processor with FMA
    /// (Package.swift defines DRIFTMPI_FMA with Haswell's instruction set), else a product and a sum.
    /// The two builds' sums differ in their last bits; each is the same at any number of processes.
    @inline(__always) static func addProduct(_ sum: inout SIMD8<Float>, _ a: SIMD8<Float>, _ b: SIMD8<Float>) {
#if DRIFTMPI_FMA
        sum.addProduct(a, b)
#else
        sum += a * b
#endif
    }

    /// Where offset d0 (nm) lies in `table`, in steps.
    @inline(__always) func tablePosition(_ d0: Double) -> Double { (d0 - tableStart) * tableScale }

    /// Whether table position `t` is within the table.
    @inline(__always) func onTable(_ t: Double) -> Bool { t >= 0 && t < Double(2 * KernelEvaluator.tableSteps) }

    /// The weights at table position `t` (`onTable`), interpolated.
    @inline(__always) func tableWeights(_ t: Double) -> SIMD8<Float> {
        let i = Self.floor(t), f = Float(t - Double(i))
        let a = table[i], b = table[i &+ 1]
        return a + f * (b - a)
    }

    /// `axisWeights` off the table.
    @inline(never) func exactWeights(_ d0: Double) -> SIMD8<Float> {
        let lane = SIMD8<Double>(0, 1, 2, 3, 4, 5, 6, 7)
        let d = d0 + lane * binNm
        var w = SIMD8<Float>()
        for k in 0..<KernelEvaluator.lanes { w[k] = Float(exp(-d[k] * d[k] * inv2s2)) }
        return w
    }

    /// The bins in reach of the point (px, py) (nm), or nil when none is (or the point is not finite).
    @inline(__always) func reach(_ px: Double, _ py: Double) -> (ix0: Int, iy0: Int, nx: Int, ny: Int)? {
        let b = inverseBin
        guard px > lowX, px < highX, py > lowY, py < highY else { return nil }
        // (Truncation towards zero would do as well: a negative first bin becomes 0 either way, and the
        // last bins are positive, the point being inside the reference plus radius.)
        let ix0 = max(0, Self.floor((px - radius - originX) * b))
        let ix1 = min(width &- 1, Self.floor((px + radius - originX) * b))
        let iy0 = max(0, Self.floor((py - radius - originY) * b))
        let iy1 = min(height &- 1, Self.floor((py + radius - originY) * b))
        guard ix0 <= ix1, iy0 <= iy1 else { return nil }
        // At most a vector's width a side: where 2 radius / bin is a whole number the two ends' roundings
        // can reach one bin further (a bin beyond the kernel's cut).
        let lanes = KernelEvaluator.lanes
        return (ix0, iy0, min(ix1 &- ix0 &+ 1, lanes), min(iy1 &- iy0 &+ 1, lanes))
    }

    /// Adds the kernel terms of the point (px, py) against counts read in place: window row k (of the
    /// bins from (ix0, iy0)) is the `lanes` counts at rows + ((rowOrigin + k) & rowMask) * rowStride +
    /// column. Counts beyond nx are read but weigh 0, so they only have to be there (any value).
    /// `rowWeights`: scratch for 3 x `lanes` values.
    @inline(__always) func accumulate(_ sums: inout KernelLaneSums, _ px: Double, _ py: Double,
                                      ix0: Int, iy0: Int, nx: Int, ny: Int,
                                      rows: UnsafePointer<Int32>, rowOrigin: Int, rowStride: Int, rowMask: Int, column: Int,
                                      rowWeights rw: UnsafeMutablePointer<Float>) {
        let (d0x, d0y) = offsets(px, py, ix0: ix0, iy0: iy0)
        add(&sums, d0x: d0x, d0y: d0y, wx: axisWeights(d0x), wy: axisWeights(d0y), nx: nx, ny: ny, rows: rows,
            rowOrigin: rowOrigin, rowStride: rowStride, rowMask: rowMask, column: column, rowWeights: rw)
    }

    /// Along each axis, the offset d0 of the window's first bin centre from the point (nm): the kernel
    /// at bin k is exp(-(d0 + k b)^2 c).
    @inline(__always) func offsets(_ px: Double, _ py: Double, ix0: Int, iy0: Int) -> (Double, Double) {
        let b = binNm
        return (originX + (Double(ix0) + 0.5) * b - px, originY + (Double(iy0) + 0.5) * b - py)
    }

    /// Adds the terms of a point whose window starts at offsets d0x, d0y with axis weights wx, wy
    /// (single precision: the row sums are single precision).
    @inline(__always) func add(_ sums: inout KernelLaneSums, d0x: Double, d0y: Double, wx: SIMD8<Float>, wy: SIMD8<Float>,
                               nx: Int, ny: Int, rows: UnsafePointer<Int32>, rowOrigin: Int, rowStride: Int,
                               rowMask: Int, column: Int, rowWeights rw: UnsafeMutablePointer<Float>) {
        let b = binNm, lanes = KernelEvaluator.lanes
        let lane = SIMD8<Float>(0, 1, 2, 3, 4, 5, 6, 7)
        // Bins beyond reach weigh 0, so whatever the window holds there does not count.
        var wx = wx
        wx.replace(with: 0, where: lane .>= Float(nx))
        let dx = Float(d0x) + lane * Float(b)
        let wdx = wx * dx, wdxx = wdx * dx
        let dy = Float(d0y) + lane * Float(b)
        let wdy = wy * dy, wdyy = wdy * dy
        // The rows weighted by the y kernel (and by dy, dy^2) are summed as vectors, then each of the
        // three against the x weights, lane by lane (the lanes are added once per run of points).
        UnsafeMutableRawPointer(rw).storeBytes(of: wy, as: SIMD8<Float>.self)
        UnsafeMutableRawPointer(rw + lanes).storeBytes(of: wdy, as: SIMD8<Float>.self)
        UnsafeMutableRawPointer(rw + 2 * lanes).storeBytes(of: wdyy, as: SIMD8<Float>.self)
        var byRow = SIMD8<Float>(), byRowY = byRow, byRowYY = byRow
        for k in 0..<ny {
            let row = rows + (((rowOrigin &+ k) & rowMask) &* rowStride &+ column)
            let counts = SIMD8<Float>(lanesOf: UnsafeRawPointer(row).loadUnaligned(as: SIMD8<Int32>.self))
            Self.addProduct(&byRow, SIMD8(repeating: rw[k]), counts)
            Self.addProduct(&byRowY, SIMD8(repeating: rw[lanes &+ k]), counts)
            Self.addProduct(&byRowYY, SIMD8(repeating: rw[2 &* lanes &+ k]), counts)
        }
        Self.addProduct(&sums.k0, byRow, wx)
        Self.addProduct(&sums.kx, byRow, wdx)
        Self.addProduct(&sums.kxx, byRow, wdxx)
        Self.addProduct(&sums.ky, byRowY, wx)
        Self.addProduct(&sums.kxy, byRowY, wdx)
        Self.addProduct(&sums.kyy, byRowYY, wx)
    }
}
