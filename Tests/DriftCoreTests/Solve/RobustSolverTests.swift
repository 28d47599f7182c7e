import DriftCore
import XCTest

final class RobustSolverTests: XCTestCase {
    /// A random-walk drift, nm.
    private func randomWalk(_ n: Int, rng: inout RandomSource) -> [SIMD3<Double>] {
        var truth: [SIMD3<Double>] = [.zero]
        for _ in 1..<n { truth.append(truth.last! + SIMD3(rng.normal() * 10, rng.normal() * 10, rng.normal() * 5)) }
        return truth
    }

    /// Every segment paired with the next `window`, measured with Gaussian noise of `noiseNm` per
    /// axis (divided by sqrt(weight)).
    private func redundantPairs(_ truth: [SIMD3<Double>], window: Int, noiseNm: Double,
                                weights: (Int, Int) -> Double = { _, _ in 1 },
                                rng: inout RandomSource) -> [PairShift] {
        let n = truth.count
        var pairs: [PairShift] = []
        for i in 0..<n {
            for j in (i + 1)..<min(n, i + window + 1) {
                let w = weights(i, j)
                let noise = SIMD3(rng.normal(), rng.normal(), rng.normal()) * (noiseNm / w.squareRoot())
                pairs.append(PairShift(i: i, j: j, shift: truth[j] - truth[i] + noise, weight: w))
            }
        }
        return pairs
    }

    private func maxError(_ drift: [SIMD3<Double>], _ truth: [SIMD3<Double>]) -> Double {
        zip(drift, truth).map { largest($0 - $1) }.max()!
    }

    /// The largest absolute component.
    private func largest(_ v: SIMD3<Double>) -> Double { max(abs(v.x), abs(v.y), abs(v.z)) }

    private let outlierPairs: [(Int, Int)] = [(2, 5), (9, 11), (15, 19), (22, 23), (28, 32), (34, 36)]

    private func outlierCase() -> (truth: [SIMD3<Double>], pairs: [PairShift]) {
        var rng = RandomSource(seed: 21)
        let truth = randomWalk(40, rng: &rng)
        var pairs = redundantPairs(truth, window: 5, noiseNm: 0.5, rng: &rng)
        for (k, (i, j)) in outlierPairs.enumerated() {
            let index = pairs.firstIndex { $0.i == i && $0.j == j }!
            let angle = Double(k) * 1.1
            pairs[index].shift += SIMD3(cos(angle), sin(angle), 0) * 50
        }
        return (truth, pairs)
    }

    func testOutliersAreDroppedAndInliersKept() throws {
        let (truth, pairs) = outlierCase()
        let solution = try RobustSolver.solve(segmentCount: 40, pairs: pairs, maxResidualNm: 5)
        XCTAssertEqual(solution.dropped, outlierPairs.count)
        for p in solution.pairs {
            let isOutlier = outlierPairs.contains { $0 == (p.i, p.j) }
            XCTAssertEqual(p.used, !isOutlier, "pair (\(p.i), \(p.j))")
        }
        let robustError = maxError(solution.drift, truth)
        let plainError = maxError(try DriftSolver.solve(segmentCount: 40, pairs: pairs), truth)
        XCTAssertLessThan(robustError, 1)
        XCTAssertGreaterThan(plainError, 3)
        XCTAssertEqual(solution.drift[0], .zero)
        // The solution is the plain solve of the pairs that are left.
        let refit = try DriftSolver.solve(segmentCount: 40, pairs: solution.pairs)
        XCTAssertLessThan(maxError(solution.drift, refit), 1e-9)
        XCTAssertLessThan(maxError(solution.residuals, DriftSolver.residuals(pairs: pairs, drift: refit)), 1e-9)

        // rms residual length near the noise level: E|r|^2 = 3 sigma^2 (P - S + 1) / P for equal weights.
        let used = Double(solution.pairs.filter(\.used).count)
        let expected = 0.5 * (3 * (used - 39) / used).squareRoot()
        XCTAssertEqual(solution.rmsResidualNm, expected, accuracy: 0.15 * expected)
    }

    func testNilLimitDropsNothing() throws {
        let (_, pairs) = outlierCase()
        let solution = try RobustSolver.solve(segmentCount: 40, pairs: pairs, maxResidualNm: nil)
        XCTAssertEqual(solution.dropped, 0)
        XCTAssertEqual(solution.pairs, pairs)
        XCTAssertEqual(solution.drift, try DriftSolver.solve(segmentCount: 40, pairs: pairs))
        XCTAssertGreaterThan(solution.rmsResidualNm, 5)
    }

    func testUnusedInputPairsStayUnusedAndAreNotCounted() throws {
        var (truth, pairs) = outlierCase()
        let index = pairs.firstIndex { $0.i == 2 && $0.j == 5 }!
        pairs[index].used = false
        let solution = try RobustSolver.solve(segmentCount: 40, pairs: pairs, maxResidualNm: 5)
        XCTAssertEqual(solution.dropped, outlierPairs.count - 1)
        XCTAssertFalse(solution.pairs[index].used)
        XCTAssertLessThan(maxError(solution.drift, truth), 1)
    }

    func testOutlierOnABridgeIsKept() throws {
        // Two redundant halves (0...9 and 10...19) linked only by the pair (9, 10), which is 50 nm off.
        var rng = RandomSource(seed: 5)
        let truth = randomWalk(20, rng: &rng)
        var pairs = redundantPairs(truth, window: 3, noiseNm: 0.5, rng: &rng)
            .filter { ($0.i < 10) == ($0.j < 10) || ($0.i == 9 && $0.j == 10) }
        let bridge = pairs.firstIndex { $0.i == 9 && $0.j == 10 }!
        pairs[bridge].shift += SIMD3(50, 0, 0)
        let solution = try RobustSolver.solve(segmentCount: 20, pairs: pairs, maxResidualNm: 5)
        XCTAssertTrue(solution.pairs[bridge].used)
        XCTAssertEqual(solution.dropped, 0)
        // A bridge is fitted exactly, so its error goes into the far half undetected.
        XCTAssertLessThan(largest(solution.residuals[bridge]), 1e-9)
        XCTAssertEqual(solution.drift[15].x - truth[15].x, 50, accuracy: 2)
    }

    func testZeroLimitDropsDownToASpanningTree() throws {
        // Every pair exceeds a zero limit, so only the connectivity check stops the rejection: the
        // worst pairs whose removal would split the graph are kept and the next worst tried.
        var rng = RandomSource(seed: 8)
        let n = 12
        let truth = randomWalk(n, rng: &rng)
        let pairs = redundantPairs(truth, window: 3, noiseNm: 0.5, rng: &rng)
        let solution = try RobustSolver.solve(segmentCount: n, pairs: pairs, maxResidualNm: 0)
        let kept = solution.pairs.filter(\.used)
        XCTAssertEqual(kept.count, n - 1)
        XCTAssertEqual(solution.dropped, pairs.count - (n - 1))
        var connectivity = SegmentConnectivity(segmentCount: n, pairs: solution.pairs)
        XCTAssertTrue(connectivity.connectsAll())
        XCTAssertLessThan(solution.rmsResidualNm, 1e-9)
        // Deterministic: the same input gives the same choice.
        let again = try RobustSolver.solve(segmentCount: n, pairs: pairs, maxResidualNm: 0)
        XCTAssertEqual(again.pairs, solution.pairs)
    }

    func testSegmentSigmaGrowsAlongAChain() throws {
        var rng = RandomSource(seed: 3)
        let n = 30
        let pairs = redundantPairs([SIMD3<Double>](repeating: .zero, count: n), window: 2, noiseNm: 1, rng: &rng)
        let solution = try RobustSolver.solve(segmentCount: n, pairs: pairs, maxResidualNm: nil)
        XCTAssertEqual(solution.segmentSigma[0], .zero)
        // Segments 1 and 2 are both linked to 0 directly and are equally uncertain; beyond them the
        // uncertainty grows with every step away from segment 0.
        for k in 0..<3 {
            XCTAssertGreaterThan(solution.segmentSigma[1][k], 0)
            XCTAssertEqual(solution.segmentSigma[2][k], solution.segmentSigma[1][k], accuracy: 1e-9)
        }
        for s in 3..<n {
            for k in 0..<3 { XCTAssertGreaterThan(solution.segmentSigma[s][k], solution.segmentSigma[s - 1][k], "segment \(s) axis \(k)") }
        }
        XCTAssertGreaterThan(solution.segmentSigma[n - 1].x, 3 * solution.segmentSigma[1].x)
    }

    func testSegmentSigmaMatchesTheEmpiricalSpread() throws {
        // Fixed chain-like graph with unequal weights; the noise of each pair is 1 nm / sqrt(weight).
        let n = 25, draws = 300
        var weightRng = RandomSource(seed: 17)
        var weight: [Int: Double] = [:]
        for i in 0..<n { for j in (i + 1)..<min(n, i + 3) { weight[i * n + j] = weightRng.uniform(0.5, 2) } }
        var rng = RandomSource(seed: 99)
        let truth = [SIMD3<Double>](repeating: .zero, count: n)
        var squaredError = [SIMD3<Double>](repeating: .zero, count: n)
        var squaredSigma = [SIMD3<Double>](repeating: .zero, count: n)
        for _ in 0..<draws {
            let pairs = redundantPairs(truth, window: 2, noiseNm: 1, weights: { weight[$0 * n + $1]! }, rng: &rng)
            let solution = try RobustSolver.solve(segmentCount: n, pairs: pairs, maxResidualNm: nil)
            for s in 0..<n {
                squaredError[s] += solution.drift[s] * solution.drift[s]
                squaredSigma[s] += solution.segmentSigma[s] * solution.segmentSigma[s]
            }
        }
        for s in 1..<n {
            for k in 0..<3 {
                let empirical = (squaredError[s][k] / Double(draws)).squareRoot()
                let reported = (squaredSigma[s][k] / Double(draws)).squareRoot()
                XCTAssertEqual(reported, empirical, accuracy: 0.3 * empirical, "segment \(s) axis \(k)")
            }
        }
    }
}
