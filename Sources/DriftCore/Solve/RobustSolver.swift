import CLAPACK

/// Weighted least-squares segment drifts (through `DriftSolver`) with rejection of outlier pairs
/// and per-segment uncertainties.
///
/// Rejection: after each solve, the used pair with the largest residual length (ties broken by
/// (i, j), then by position) above `maxResidualNm` is dropped, unless the remaining used pairs would
/// no longer connect every segment (union-find), in which case it is kept and the next worst is tried;
/// after every drop the system is solved again, until no droppable pair is above the limit.
/// In an exact least-squares solution a pair that is the only link between two parts of the graph (a
/// bridge) has zero residual, so an outlier on a bridge cannot be seen and is kept.
///
/// Uncertainty: with P used pairs and S segments, sigma_k^2 = sum_used w r_k^2 / max(P - (S - 1), 1)
/// for axis k, and cov(d) = sigma_k^2 L^-1, where L is the normal matrix (`DriftSolver.normalMatrix`);
/// L^-1 comes from its Cholesky factor (LAPACK dpotrf, dpotri; in band form the Takahashi
/// recurrence, `BandedNormalMatrix`).
public enum RobustSolver {
    /// Solves for the drift of `segmentCount` segments from `pairs`, dropping pairs whose residual
    /// length exceeds `maxResidualNm` (nm; nil: no rejection). Throws `DriftSolverError` when the
    /// given used pairs do not connect every segment or LAPACK fails.
    public static func solve(segmentCount n: Int, pairs: [PairShift], maxResidualNm: Double?) throws -> DriftSolution {
        var pairs = pairs
        var drift = try DriftSolver.solve(segmentCount: n, pairs: pairs)
        var residuals = DriftSolver.residuals(pairs: pairs, drift: drift)
        var dropped = 0

        if let limit = maxResidualNm {
            while true {
                let lengths = residuals.map { ($0 * $0).sum().squareRoot() }
                let candidates = pairs.indices
                    .filter { pairs[$0].used && lengths[$0] > limit }
                    .sorted { a, b in
                        if lengths[a] != lengths[b] { return lengths[a] > lengths[b] }
                        if pairs[a].i != pairs[b].i { return pairs[a].i < pairs[b].i }
                        if pairs[a].j != pairs[b].j { return pairs[a].j < pairs[b].j }
                        return a < b
                    }
                guard let victim = candidates.first(where: { index in
                    var connectivity = SegmentConnectivity(segmentCount: n, pairs: pairs, excluding: index)
                    return connectivity.connectsAll()
                }) else { break }
                pairs[victim].used = false
                dropped += 1
                drift = try DriftSolver.solve(segmentCount: n, pairs: pairs)
                residuals = DriftSolver.residuals(pairs: pairs, drift: drift)
            }
        }

        var usedCount = 0
        var weightedSquares = SIMD3<Double>.zero
        var squaredLengths = 0.0
        for (p, r) in zip(pairs, residuals) where p.used {
            usedCount += 1
            weightedSquares += p.weight * r * r
            squaredLengths += (r * r).sum()
        }
        let rms = usedCount > 0 ? (squaredLengths / Double(usedCount)).squareRoot() : 0
        let dof = Double(max(usedCount - (n - 1), 1))
        let sigma2 = weightedSquares / dof

        var segmentSigma = [SIMD3<Double>](repeating: .zero, count: max(n, 0))
        if n > 1 {
            let diagonal = try inverseDiagonal(segmentCount: n, pairs: pairs)
            for s in 1..<n { segmentSigma[s] = (sigma2 * diagonal[s - 1]).squareRoot() }
        }
        return DriftSolution(drift: drift, pairs: pairs, residuals: residuals, segmentSigma: segmentSigma,
                             rmsResidualNm: rms, dropped: dropped)
    }

    /// The diagonal of L^-1 (L: the normal matrix of the used pairs, segments 1 ..< n), in inverse
    /// weight units, from the Cholesky factor (LAPACK dpotrf then dpotri).
    static func inverseDiagonal(segmentCount n: Int, pairs: [PairShift]) throws -> [Double] {
        let m = n - 1
        let k = BandedNormalMatrix.bandwidth(of: pairs)
        if BandedNormalMatrix.pays(unknowns: m, bandwidth: k) {
            return try BandedNormalMatrix(segmentCount: n, pairs: pairs, bandwidth: k).inverseDiagonal()
        }
        var a = DriftSolver.normalMatrix(segmentCount: n, pairs: pairs)
        let lower = Int8(UInt8(ascii: "L"))
        var info = LAPACKE_dpotrf(LAPACK_COL_MAJOR, lower, Int32(m), &a, Int32(m))
        guard info == 0 else { throw DriftSolverError.lapack(info: Int(info)) }
        info = LAPACKE_dpotri(LAPACK_COL_MAJOR, lower, Int32(m), &a, Int32(m))
        guard info == 0 else { throw DriftSolverError.lapack(info: Int(info)) }
        return (0..<m).map { a[$0 * m + $0] }
    }
}
