import Foundation

/// A Gaussian kernel of width sigma on a reference's bins (`ReferenceGrid`), cut at 2 sigma: a point sees the
/// bins whose index range overlaps [p - 2 sigma, p + 2 sigma] on each axis, at most 8 per axis (bins
/// of at least 2/3 sigma). Holds its scratch memory, so one evaluator serves many points (not shared
/// between threads). A hot loop copies `geometry` (a value) into a local first, so that its constants
/// stay in registers rather than being read again from this object after every store.
final class KernelEvaluator {
    /// Bins per window row: one SIMD vector.
    static let lanes = 8
    /// Table steps a bin: the interpolated weights are within about 1e-5 (relative) of the exact ones at
    /// bins of sigma (what `RefinementOptions.binNm(sigma:)` gives; the error grows as (bin / sigma)^2).
    static let tableSteps = 512
    let geometry: KernelGeometry
    var sigma: Double { geometry.sigma }
    var radius: Double { geometry.radius }
    var inv2s2: Double { geometry.inv2s2 }
    var binNm: Double { geometry.binNm }
    /// One axis's kernel weights by the offset d0 of the first bin's centre from the point:
    /// `table[i]` holds exp(-(d0 + k b)^2 / (2 sigma^2)) in lane k at d0 = tableStart + i / tableScale, over
    /// the two bins' width around -radius where every window starts (see `KernelGeometry.axisWeights`).
    private let table: UnsafeMutablePointer<SIMD8<Float>>
    /// Counts around the current point (row k, column l at k * lanes + l), for `gather`.
    let window: UnsafeMutablePointer<Int32>
    /// The current point's y weights w, w dy and w dy^2 (nm, nm^2) at 0, lanes and 2 lanes: the row
    /// loop reads each row's three as scalars from memory rather than taking a lane out of a vector
    /// register (which the compiler does by storing the vector for every row).
    let rowWeights: UnsafeMutablePointer<Float>

    convenience init(sigmaNm: Double, reference: ReferenceDensity) {
        self.init(sigmaNm: sigmaNm, grid: reference.grid)
    }

    init(sigmaNm: Double, grid reference: ReferenceGrid) {
        let radius = 2 * sigmaNm, b = reference.binNm, c = 1 / (2 * sigmaNm * sigmaNm)
        precondition(Int((2 * radius / b).rounded(.up)) + 1 <= Self.lanes, "reference bins under 2/3 of the kernel width")
        table = .allocate(capacity: 2 * Self.tableSteps + 1)
        for i in 0...(2 * Self.tableSteps) {
            let d0 = -radius - b + Double(i) * b / Double(Self.tableSteps)
            table[i] = SIMD8<Float>((0..<Self.lanes).map { Float(exp(-(d0 + Double($0) * b) * (d0 + Double($0) * b) * c)) })
        }
        geometry = KernelGeometry(sigma: sigmaNm, grid: reference, table: UnsafePointer(table))
        window = .allocate(capacity: Self.lanes * Self.lanes)
        window.initialize(repeating: 0, count: Self.lanes * Self.lanes)
        rowWeights = .allocate(capacity: 3 * Self.lanes)
        rowWeights.initialize(repeating: 0, count: 3 * Self.lanes)
    }

    deinit {
        rowWeights.deallocate()
        window.deallocate()
        table.deallocate()
    }

    /// One axis's weights (see `KernelGeometry.axisWeights`).
    func axisWeights(_ d0: Double) -> SIMD8<Float> { geometry.axisWeights(d0) }

    /// The bins in reach of the point (px, py) (nm), or nil when none is (or the point is not finite).
    @inline(__always) func reach(_ px: Double, _ py: Double) -> (ix0: Int, iy0: Int, nx: Int, ny: Int)? {
        geometry.reach(px, py)
    }

    /// Copies the counts in reach of a whole field's `counts` (row-major) into `window`.
    @inline(__always) func gather(_ counts: UnsafePointer<Int32>, ix0: Int, iy0: Int, nx: Int, ny: Int) {
        let width = geometry.width
        for k in 0..<ny {
            let row = counts + (iy0 + k) * width + ix0
            let out = window + k * Self.lanes
            for l in 0..<nx { out[l] = row[l] }
        }
    }

    /// Adds the kernel terms of the point (px, py) against the counts in `window`.
    @inline(__always) func accumulate(_ sums: inout KernelLaneSums, _ px: Double, _ py: Double,
                                      ix0: Int, iy0: Int, nx: Int, ny: Int) {
        geometry.accumulate(&sums, px, py, ix0: ix0, iy0: iy0, nx: nx, ny: ny, rows: UnsafePointer(window),
                            rowOrigin: 0, rowStride: Self.lanes, rowMask: -1, column: 0, rowWeights: rowWeights)
    }
}
