import Foundation
@testable import DriftCore
import XCTest

/// The sweep's shortcuts (`KernelGeometry.floor`, the batches, points off the weight table summed
/// after the others) give the sums of the plain kernel: each point's window gathered from the whole
/// field's counts without its segment's own, weighed by `KernelEvaluator.accumulate`.
final class KernelGeometryTests: XCTestCase {
    func testFloorIsTheIntegerBelow() {
        let values: [Double] = [0, -0.0, 0.25, 0.999_999_999, 1, 1.5, 2, -0.25, -1, -1.5, -2.000_000_1, 1023.999,
                                1_000_000.5, -1_000_000.5, 2_251_799_813_685_247, -2_251_799_813_685_247, 2_251_799_813_685_246.5]
        for v in values { XCTAssertEqual(KernelGeometry.floor(v), Int(v.rounded(.down)), "\(v)") }
        var rng = RandomSource(seed: 3)
        for _ in 0..<10_000 {
            let v = rng.uniform(-5000, 5000)
            XCTAssertEqual(KernelGeometry.floor(v), Int(v.rounded(.down)))
        }
    }

    func testSweepSumsMatchThePlainKernelAlsoAtTheFieldsEdges() {
        // A 2 x 2 um field at 8 nm bins; clusters everywhere, some within a bin of its edges (their
        // windows are cut short there, off the table), 4 segments with their own shifts.
        var rng = RandomSource(seed: 5)
        let grid = ReferenceGrid(originX: 0, originY: 0, widthNm: 2000, heightNm: 2000, binNm: 8)
        var sites: [SIMD2<Double>] = (0..<60).map { _ in SIMD2(rng.uniform(30, 1970), rng.uniform(30, 1970)) }
        sites += [SIMD2(3, 1000), SIMD2(1000, 2), SIMD2(1996, 500), SIMD2(700, 1997), SIMD2(2, 3)]
        var x: [Float] = [], y: [Float] = []
        let n = 6000
        let segments = (0..<4).map { k in (k * n / 4)..<((k + 1) * n / 4) }
        for i in 0..<n {
            let s = sites[(i * 7919) % sites.count]
            let px: Double = s.x + 5 * rng.normal(), py: Double = s.y + 5 * rng.normal()
            x.append(Float(min(max(px, 0.5), 1999.5)))
            y.append(Float(min(max(py, 0.5), 1999.5)))
        }
        let bins = grid.bins(x: x, y: y)
        let reference = ReferenceRows(grid: grid, bins: bins, rows: 0..<n)
        let sweep = BandSweep(x: x, y: y, bins: bins, segments: segments, reference: reference, sigmaNm: 8,
                              step: [Int](repeating: 1, count: segments.count))
        let shifts: [SIMD2<Double>] = (0..<segments.count).map { k in
            let d = Double(k)
            return SIMD2(1.3 * d - 2, 0.7 - 0.9 * d)
        }
        let swept = sweep.sums(shifts: shifts, active: [Bool](repeating: true, count: segments.count))

        var counts = [Int32](repeating: 0, count: grid.width * grid.height + KernelEvaluator.lanes)
        for i in 0..<n where bins.ix[i] >= 0 && bins.iy[i] >= 0 { counts[Int(bins.iy[i]) * grid.width + Int(bins.ix[i])] += 1 }
        let kernel = KernelEvaluator(sigmaNm: 8, grid: grid)
        for (g, rows) in segments.enumerated() {
            var own = counts
            for i in rows where bins.ix[i] >= 0 && bins.iy[i] >= 0 { own[Int(bins.iy[i]) * grid.width + Int(bins.ix[i])] -= 1 }
            var total = KernelSums()
            own.withUnsafeBufferPointer { c in
                for i in rows {
                    let px = Double(x[i]) + shifts[g].x, py = Double(y[i]) + shifts[g].y
                    guard let r = kernel.reach(px, py) else { continue }
                    var lanes = KernelLaneSums()
                    kernel.gather(c.baseAddress!, ix0: r.ix0, iy0: r.iy0, nx: r.nx, ny: r.ny)
                    kernel.accumulate(&lanes, px, py, ix0: r.ix0, iy0: r.iy0, nx: r.nx, ny: r.ny)
                    total.add(KernelSums(lanes))
                }
            }
            let s = swept[g].sums
            XCTAssertGreaterThan(total.k0, 0)
            let pairs: [(Double, Double)] = [(s.k0, total.k0), (s.kx, total.kx), (s.ky, total.ky),
                                             (s.kxx, total.kxx), (s.kyy, total.kyy), (s.kxy, total.kxy)]
            // Sums of single-precision terms in other orders: within 1e-5 of k0 x 64 nm^2 (the
            // second moments' scale at sigma 8 nm).
            let tolerance = 1e-5 * total.k0 * 64
            for (a, b) in pairs { XCTAssertEqual(a, b, accuracy: tolerance, "segment \(g)") }
        }
    }
}
