import CLAPACK

/// Solves the redundant system drift[j] - drift[i] = shift(i, j) over all used pairs in the weighted
/// least-squares sense, with drift[0] = 0. The normal equations form a weighted graph Laplacian with
/// the first row and column removed, which is symmetric positive definite exactly when the pairs
/// connect every segment; it is solved by Cholesky factorisation (LAPACK dposv), or in band form
/// (`BandedNormalMatrix`, dpbsv) when the pairs reach only a few segments apart in a large system.
public enum DriftSolver {
    /// Drift of each segment, nm, relative to segment 0.
    public static func solve(segmentCount n: Int, pairs: [PairShift]) throws -> [SIMD3<Double>] {
        guard n > 1 else { return [SIMD3<Double>](repeating: .zero, count: max(n, 0)) }
        var connectivity = SegmentConnectivity(segmentCount: n, pairs: pairs)
        let missing = connectivity.unconnected()
        guard missing.isEmpty else { throw DriftSolverError.unconnected(segments: missing) }

        let m = n - 1                       // unknowns drift[1] ... drift[n-1]
        var b = rightHandSides(segmentCount: n, pairs: pairs)
        let k = BandedNormalMatrix.bandwidth(of: pairs)
        if BandedNormalMatrix.pays(unknowns: m, bandwidth: k) {
            var banded = BandedNormalMatrix(segmentCount: n, pairs: pairs, bandwidth: k)
            try banded.solve(&b)
        } else {
            var a = normalMatrix(segmentCount: n, pairs: pairs)
            let info = LAPACKE_dposv(LAPACK_COL_MAJOR, Int8(UInt8(ascii: "L")), Int32(m), 3,
                                     &a, Int32(m), &b, Int32(m))
            guard info == 0 else { throw DriftSolverError.lapack(info: Int(info)) }
        }
        var drift = [SIMD3<Double>](repeating: .zero, count: n)
        for s in 1..<n { drift[s] = SIMD3(b[s - 1], b[m + s - 1], b[2 * m + s - 1]) }
        return drift
    }

    /// The normal matrix of the used pairs: the weighted graph Laplacian (pair weights as given)
    /// without row and column 0, as (n-1) x (n-1) values in column-major order (symmetric, both
    /// triangles filled). Row/column s - 1 belongs to segment s.
    public static func normalMatrix(segmentCount n: Int, pairs: [PairShift]) -> [Double] {
        let m = max(n - 1, 0)
        var a = [Double](repeating: 0, count: m * m)
        for p in pairs where p.used {
            let w = p.weight
            let ui = p.i - 1, uj = p.j - 1
            if ui >= 0 { a[ui * m + ui] += w }
            if uj >= 0 { a[uj * m + uj] += w }
            if ui >= 0 && uj >= 0 {
                a[ui * m + uj] -= w
                a[uj * m + ui] -= w
            }
        }
        return a
    }

    /// The three right-hand sides (x, y, z) of the normal equations, (n-1) x 3 in column-major
    /// order: for segment s, sum of w * shift (nm) over used pairs ending at s minus those starting at s.
    public static func rightHandSides(segmentCount n: Int, pairs: [PairShift]) -> [Double] {
        let m = max(n - 1, 0)
        var b = [Double](repeating: 0, count: m * 3)
        for p in pairs where p.used {
            let w = p.weight
            let ui = p.i - 1, uj = p.j - 1
            for k in 0..<3 {
                if uj >= 0 { b[k * m + uj] += w * p.shift[k] }
                if ui >= 0 { b[k * m + ui] -= w * p.shift[k] }
            }
        }
        return b
    }

    /// The residual of each pair under the given drifts: measured shift minus the solved difference, nm.
    public static func residuals(pairs: [PairShift], drift: [SIMD3<Double>]) -> [SIMD3<Double>] {
        pairs.map { $0.shift - (drift[$0.j] - drift[$0.i]) }
    }
}
