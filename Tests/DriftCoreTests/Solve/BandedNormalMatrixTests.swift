import CLAPACK
@testable import DriftCore
import XCTest

/// The band form of the normal equations (windowed pairs in a long series): the same drift and
/// the same uncertainties as the dense Cholesky solve and inverse.
final class BandedNormalMatrixTests: XCTestCase {
    /// 300 segments, each paired with the next 5 (RCC, window 5), weights and shifts at random, a
    /// few pairs unused.
    func windowedPairs() -> [PairShift] {
        var rng = RandomSource(seed: 11)
        var pairs: [PairShift] = []
        for i in 0..<300 {
            for j in (i + 1)..<min(300, i + 6) {
                var p = PairShift(i: i, j: j, shift: SIMD3(rng.normal(), rng.normal(), rng.normal()) * 3,
                                  weight: rng.uniform(0.5, 2))
                if j > i + 1 && rng.uniform() < 0.05 { p.used = false }
                pairs.append(p)
            }
        }
        return pairs
    }

    func testBandSolveAndInverseDiagonalMatchTheDenseOnes() throws {
        let pairs = windowedPairs(), n = 300, m = n - 1
        let k = BandedNormalMatrix.bandwidth(of: pairs)
        XCTAssertEqual(k, 5)
        XCTAssertTrue(BandedNormalMatrix.pays(unknowns: m, bandwidth: k))
        XCTAssertFalse(BandedNormalMatrix.pays(unknowns: 19, bandwidth: 5), "small systems stay dense")

        // Dense reference: LAPACK on the full matrix.
        var a = DriftSolver.normalMatrix(segmentCount: n, pairs: pairs)
        var b = DriftSolver.rightHandSides(segmentCount: n, pairs: pairs)
        var banded = BandedNormalMatrix(segmentCount: n, pairs: pairs, bandwidth: k)
        let diagonal = try banded.inverseDiagonal()
        var bandB = b
        try banded.solve(&bandB)
        var ipiv = [Int32](repeating: 0, count: m)
        let dense = a
        XCTAssertEqual(LAPACKE_dgesv(LAPACK_COL_MAJOR, Int32(m), 3, &a, Int32(m), &ipiv, &b, Int32(m)), 0)
        for t in 0..<(3 * m) { XCTAssertEqual(bandB[t], b[t], accuracy: 1e-9 * max(1, abs(b[t]))) }

        // The inverse's diagonal: column c of A^-1 from a dense solve of A x = e_c.
        for c in stride(from: 0, to: m, by: 37) {
            var e = [Double](repeating: 0, count: m)
            e[c] = 1
            var copy = dense
            XCTAssertEqual(LAPACKE_dgesv(LAPACK_COL_MAJOR, Int32(m), 1, &copy, Int32(m), &ipiv, &e, Int32(m)), 0)
            XCTAssertEqual(diagonal[c], e[c], accuracy: 1e-10 * e[c], "column \(c)")
        }
    }

    /// Through the robust solver: the band path gives what the dense one gives (drift and
    /// uncertainties), compared with the same pairs plus one long pair of negligible weight (1e-12),
    /// which makes the band too wide and so takes the dense path.
    func testRobustSolverTakesTheBandPathWithTheSameResult() throws {
        let pairs = windowedPairs()
        let banded = try RobustSolver.solve(segmentCount: 300, pairs: pairs, maxResidualNm: nil)
        // A used pair spanning the series makes the band too wide: the dense path.
        var wide = pairs
        wide.append(PairShift(i: 0, j: 299, shift: banded.drift[299], weight: 1e-12))
        let dense = try RobustSolver.solve(segmentCount: 300, pairs: wide, maxResidualNm: nil)
        for s in 0..<300 {
            XCTAssertEqual(banded.drift[s].x, dense.drift[s].x, accuracy: 1e-6)
            // The extra pair adds one degree of freedom to the noise estimate (about 1 in 1,100).
            XCTAssertEqual(banded.segmentSigma[s].y, dense.segmentSigma[s].y, accuracy: 2e-3 * dense.segmentSigma[s].y)
        }
    }
}
