import DriftCore
import XCTest

final class DriftSolverTests: XCTestCase {
    func testRecoversSegmentDriftsFromNoisyRedundantPairs() throws {
        var rng = RandomSource(seed: 11)
        let n = 40
        var truth: [SIMD3<Double>] = [.zero]
        for _ in 1..<n { truth.append(truth.last! + SIMD3(rng.normal() * 10, rng.normal() * 10, rng.normal() * 5)) }
        var pairs: [PairShift] = []
        for i in 0..<n {
            for j in (i + 1)..<min(n, i + 6) {
                let noise = SIMD3(rng.normal(), rng.normal(), rng.normal()) * 0.5
                pairs.append(PairShift(i: i, j: j, shift: truth[j] - truth[i] + noise, weight: 1))
            }
        }
        let drift = try DriftSolver.solve(segmentCount: n, pairs: pairs)
        XCTAssertEqual(drift[0], .zero)
        for s in 0..<n {
            for k in 0..<3 { XCTAssertEqual(drift[s][k], truth[s][k], accuracy: 1.5, "segment \(s) axis \(k)") }
        }
        // Least-squares optimality: the weighted residuals balance at every free segment.
        let residuals = DriftSolver.residuals(pairs: pairs, drift: drift)
        var balance = [SIMD3<Double>](repeating: .zero, count: n)
        for (p, r) in zip(pairs, residuals) {
            balance[p.j] += p.weight * r
            balance[p.i] -= p.weight * r
        }
        for s in 1..<n { for k in 0..<3 { XCTAssertEqual(balance[s][k], 0, accuracy: 1e-9) } }
    }

    func testExactPairsGiveExactDrifts() throws {
        let truth: [SIMD3<Double>] = [.zero, SIMD3(1, 2, 0), SIMD3(4, -1, 0), SIMD3(5, 5, 1)]
        var pairs: [PairShift] = []
        for i in 0..<4 { for j in (i + 1)..<4 { pairs.append(PairShift(i: i, j: j, shift: truth[j] - truth[i], weight: Double(i + j))) } }
        let drift = try DriftSolver.solve(segmentCount: 4, pairs: pairs)
        for s in 0..<4 { for k in 0..<3 { XCTAssertEqual(drift[s][k], truth[s][k], accuracy: 1e-9) } }
        let residuals = DriftSolver.residuals(pairs: pairs, drift: drift)
        XCTAssertLessThan(residuals.map { abs($0.x) + abs($0.y) + abs($0.z) }.max()!, 1e-9)
    }

    func testUnconnectedSegmentsAreNamed() {
        let pairs = [PairShift(i: 0, j: 1, shift: .zero, weight: 1), PairShift(i: 2, j: 3, shift: .zero, weight: 1),
                     PairShift(i: 1, j: 2, shift: .zero, weight: 1, used: false)]
        XCTAssertThrowsError(try DriftSolver.solve(segmentCount: 4, pairs: pairs)) { error in
            XCTAssertEqual(error as? DriftSolverError, .unconnected(segments: [2, 3]))
        }
    }

    func testPairsPackAndUnpack() {
        let p = PairShift(i: 3, j: 9, shift: SIMD3(1.5, -2.25, 0), weight: 12.5, used: false)
        XCTAssertEqual(PairShift(packed: p.packed[...]), p)
    }
}
