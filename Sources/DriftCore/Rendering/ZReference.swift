import Foundation

/// The reference for refining z: for each occupied x-y cell (`cellNm` square), a histogram of the z
/// positions of the localisations in it (`binZNm` bins). Memory grows with the occupied cells, not
/// with the volume. Counts are integers, so removing a segment's own localisations is exact and sums
/// over processes do not depend on their order.
public struct ZReference: Sendable {
    public let cellNm: Double
    public let originX: Double
    public let originY: Double
    public let cellsX: Int
    public let cellsY: Int
    public let originZ: Double
    public let binZNm: Double
    public let binsZ: Int
    /// Slot of each cell (row-major), or -1 where no localisation fell.
    public private(set) var slot: [Int32]
    /// `binsZ` counts per slot.
    public var counts: [Int32]

    /// Cells over [originX, originX + widthNm) x [originY, originY + heightNm), z bins over
    /// [originZ, originZ + depthNm). `occupancy` is the per-cell count of localisations of all
    /// processes (see `occupancy(...)`).
    public init(originX: Double, originY: Double, widthNm: Double, heightNm: Double, cellNm: Double,
                originZ: Double, depthNm: Double, binZNm: Double, occupancy: [Int32]) {
        self.cellNm = cellNm
        self.originX = originX
        self.originY = originY
        cellsX = Int((widthNm / cellNm).rounded(.up))
        cellsY = Int((heightNm / cellNm).rounded(.up))
        self.originZ = originZ
        self.binZNm = binZNm
        binsZ = max(1, Int((depthNm / binZNm).rounded(.up)))
        precondition(occupancy.count == cellsX * cellsY)
        var next: Int32 = 0
        slot = occupancy.map { count in
            guard count > 0 else { return -1 }
            defer { next += 1 }
            return next
        }
        counts = [Int32](repeating: 0, count: Int(next) * binsZ)
    }

    /// Number of cells for a field, so callers can count occupancy before building the reference.
    public static func cellCount(widthNm: Double, heightNm: Double, cellNm: Double) -> Int {
        Int((widthNm / cellNm).rounded(.up)) * Int((heightNm / cellNm).rounded(.up))
    }

    @inline(__always) func cell(_ x: Float, _ y: Float) -> Int? {
        Self.cell(x, y, originX: originX, originY: originY, cellNm: cellNm, cellsX: cellsX, cellsY: cellsY)
    }

    /// Index of the cell holding (x, y) nm, or nil outside (or not finite).
    @inline(__always) static func cell(_ x: Float, _ y: Float, originX: Double, originY: Double, cellNm: Double,
                                       cellsX: Int, cellsY: Int) -> Int? {
        let fx = ((Double(x) - originX) / cellNm).rounded(.down), fy = ((Double(y) - originY) / cellNm).rounded(.down)
        guard fx >= 0, fx < Double(cellsX), fy >= 0, fy < Double(cellsY) else { return nil }
        return Int(fy) * cellsX + Int(fx)
    }

    /// Adds one to the cell of each point (for `occupancy`).
    public static func addOccupancy(_ occupancy: inout [Int32], x: ArraySlice<Float>, y: ArraySlice<Float>,
                                    originX: Double, originY: Double, widthNm: Double, heightNm: Double, cellNm: Double) {
        let cx = Int((widthNm / cellNm).rounded(.up)), cy = Int((heightNm / cellNm).rounded(.up))
        var j = y.startIndex
        for i in x.indices {
            if let c = cell(x[i], y[j], originX: originX, originY: originY, cellNm: cellNm, cellsX: cx, cellsY: cy) {
                occupancy[c] &+= 1
            }
            j += 1
        }
    }

    /// Adds `weight` at each point's cell and z bin; points outside are skipped.
    public mutating func add(x: ArraySlice<Float>, y: ArraySlice<Float>, z: ArraySlice<Float>, weight: Int32 = 1) {
        add(indices: binIndices(cellBases: cellBases(x: x, y: y), z: z)[...], weight: weight)
    }

    /// The first count of each point's cell (slot x binsZ), or -1 where its cell has no slot (or it
    /// is outside): what `alignZ(cellBases:z:)` and `binIndices` take, so a point's cell is found once.
    public func cellBases(x: ArraySlice<Float>, y: ArraySlice<Float>) -> [Int] {
        var out = [Int](repeating: -1, count: x.count)
        var j = y.startIndex
        for (n, i) in x.indices.enumerated() {
            if let c = cell(x[i], y[j]), slot[c] >= 0 { out[n] = Int(slot[c]) * binsZ }
            j += 1
        }
        return out
    }

    /// The count each point adds to (cell base + z bin), or -1 where it adds to none (as `add`).
    public func binIndices(cellBases: [Int], z: ArraySlice<Float>) -> [Int] {
        var out = [Int](repeating: -1, count: cellBases.count)
        for (n, l) in z.indices.enumerated() where cellBases[n] >= 0 && z[l].isFinite {
            let iz = ((Double(z[l]) - originZ) / binZNm).rounded(.down)
            if iz >= 0 && iz < Double(binsZ) { out[n] = cellBases[n] + Int(iz) }
        }
        return out
    }

    /// Adds `weight` at the counts `indices` (from `binIndices`; -1 skipped).
    public mutating func add(indices: ArraySlice<Int>, weight: Int32 = 1) {
        counts.withUnsafeMutableBufferPointer { c in
            for k in indices where k >= 0 { c[k] &+= weight }
        }
    }

    /// The z shift (nm) that best lays the points onto the reference: Newton steps (mean-shift where
    /// the curvature is not negative) on f(s) = sum_j sum_b count_b exp(-(c_b - z_j - s)^2 / (2 sigma^2))
    /// over the z bins of each point's own x-y cell, until a step is shorter than `tolerance` or a
    /// Newton step shorter than sigma / 20 (`KernelSums.converged`'s default).
    public func alignZ(x: ArraySlice<Float>, y: ArraySlice<Float>, z: ArraySlice<Float>, sigmaNm: Double,
                       start: Double = 0, tolerance: Double = 0.005, maxIterations: Int = 50) -> (shift: Double, support: Double) {
        alignZ(cellBases: cellBases(x: x, y: y)[...], z: z, sigmaNm: sigmaNm, start: start, tolerance: tolerance, maxIterations: maxIterations)
    }

    /// Points summed in single precision before their sums are added into double precision.
    static let flushPoints = 256

    /// The same for points given by their cells' first counts (`cellBases`) and z.
    public func alignZ(cellBases cells: ArraySlice<Int>, z: ArraySlice<Float>, sigmaNm: Double,
                       start: Double = 0, tolerance: Double = 0.005, maxIterations: Int = 50) -> (shift: Double, support: Double) {
        alignZ(cellBases: cells, z: z, sigmaNm: sigmaNm, start: start, tolerance: tolerance, maxIterations: maxIterations,
               weights: kernelWeights(sigmaNm: sigmaNm))
    }

    /// The z kernel's radius at width `sigmaNm`, nm.
    static func radius(sigmaNm: Double) -> Double { 2.5 * sigmaNm }

    /// The table of kernel weights `alignZ` uses at width `sigmaNm`, where its windows fit one (made
    /// once per width by a caller that aligns many segments).
    func kernelWeights(sigmaNm: Double) -> ZKernelWeights? {
        let radius = Self.radius(sigmaNm: sigmaNm)
        guard Int((2 * radius / binZNm).rounded(.up)) + 2 <= ZKernelWeights.lanes else { return nil }
        return ZKernelWeights(sigmaNm: sigmaNm, radiusNm: radius, binNm: binZNm)
    }

    /// The same with the weights from `weights` (`kernelWeights(sigmaNm:)`; nil: exponentials).
    func alignZ(cellBases cells: ArraySlice<Int>, z: ArraySlice<Float>, sigmaNm: Double,
                start: Double, tolerance: Double, maxIterations: Int, weights table: ZKernelWeights?) -> (shift: Double, support: Double) {
        precondition(cells.count == z.count)
        let radius = Self.radius(sigmaNm: sigmaNm)
        let inv2s2 = 1 / (2 * sigmaNm * sigmaNm), s2 = sigmaNm * sigmaNm
        let b = binZNm, perBin = 1 / binZNm     // bins by a product, not a division per point
        // exp(-(d0 + k b)^2 c) = exp(-d0^2 c) * exp(-2 d0 b c)^k * q[k], q[k] = exp(-k^2 b^2 c): two
        // exponentials a point, whatever the bins in reach (where the window is wider than the table's
        // lanes, cut at the histogram's bottom, or at the counts' end).
        let reach = Int((2 * radius / b).rounded(.up)) + 2
        let q = (0..<reach).map { exp(-Double($0 * $0) * b * b * inv2s2) }
        // Otherwise the window's weights from a table (`ZKernelWeights`), its sums kept per bin in
        // single precision and added into double precision every `flushPoints` points, in order.
        let lane = SIMD8<Float>(0, 1, 2, 3, 4, 5, 6, 7)
        var s = start, support = 0.0
        counts.withUnsafeBufferPointer { h in
            for _ in 0..<maxIterations {
                var k0 = 0.0, k1 = 0.0, k2 = 0.0
                var l0 = SIMD8<Float>(), l1 = l0, l2 = l0, pending = 0
                var c = cells.startIndex
                for l in z.indices {
                    let base = cells[c]
                    c += 1
                    guard base >= 0 && z[l].isFinite else { continue }
                    let pz = Double(z[l]) + s
                    let lo = max(0, Int(((pz - radius - originZ) * perBin).rounded(.down)))
                    let hi = min(binsZ - 1, Int(((pz + radius - originZ) * perBin).rounded(.down)))
                    guard lo <= hi else { continue }
                    let d0 = originZ + (Double(lo) + 0.5) * b - pz
                    if base + lo + ZKernelWeights.lanes <= h.count, var (wl, wh) = table?.weights(d0) {
                        // Bins beyond hi weigh 0 (whatever the next cell holds there).
                        let n = Float(hi - lo + 1)
                        wl.replace(with: 0, where: lane .>= n)
                        wh.replace(with: 0, where: lane + 8 .>= n)
                        let p = UnsafeRawPointer(h.baseAddress! + base + lo)
                        let cl = SIMD8<Float>(lanesOf: p.loadUnaligned(as: SIMD8<Int32>.self))
                        let ch = SIMD8<Float>(lanesOf: p.loadUnaligned(fromByteOffset: 32, as: SIMD8<Int32>.self))
                        let dl = Float(d0) + lane * Float(b), dh = dl + 8 * Float(b)
                        let vl = wl * cl, vh = wh * ch
                        let vdl = vl * dl, vdh = vh * dh
                        l0 += vl + vh; l1 += vdl + vdh; l2 += vdl * dl + vdh * dh
                        pending += 1
                        if pending == Self.flushPoints {
                            k0 += SIMD8<Double>(l0).sum(); k1 += SIMD8<Double>(l1).sum(); k2 += SIMD8<Double>(l2).sum()
                            l0 = SIMD8<Float>(); l1 = l0; l2 = l0; pending = 0
                        }
                        continue
                    }
                    let e0 = exp(-d0 * d0 * inv2s2), r = exp(-2 * d0 * b * inv2s2)
                    var power = 1.0
                    for k in 0...(hi - lo) {
                        let count = h[base + lo + k]
                        if count != 0 {
                            let d = d0 + Double(k) * b
                            let v = Double(count) * e0 * power * q[k]
                            k0 += v
                            k1 += v * d
                            k2 += v * d * d
                        }
                        power *= r
                    }
                }
                k0 += SIMD8<Double>(l0).sum(); k1 += SIMD8<Double>(l1).sum(); k2 += SIMD8<Double>(l2).sum()
                support = k0
                guard k0 > 0 else { break }
                let hess = k2 / (s2 * s2) - k0 / s2
                let newton = hess < 0
                var step = newton ? -(k1 / s2) / hess : k1 / k0
                if abs(step) > sigmaNm { step = step > 0 ? sigmaNm : -sigmaNm }
                s += step
                if KernelSums.converged(step: SIMD2(step, 0), newton: newton, sigmaNm: sigmaNm, tolerance: tolerance) { break }
            }
        }
        return (s, support)
    }
}
