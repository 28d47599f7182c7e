import XCTest
@testable import DriftCore

/// Generalised cross-validation picks little smoothing for precise values and much for noisy ones,
/// and its trace estimate matches the exact trace.
final class SmoothingSelectionTests: XCTestCase {
    func values(noise: Double, count: Int, seed: UInt64) -> ([Double], [Double], [Double]) {
        var rng = RandomSource(seed: seed)
        let t = (0..<count).map { Double($0) * 20 + 10 }
        let truth = t.map { 30 * sin($0 / 600) + 10 * sin($0 / 150) }
        return (t, truth, truth.map { $0 + noise * rng.normal() })
    }

    func rms(_ a: [Double], _ b: [Double]) -> Double {
        (zip(a, b).map { ($0 - $1) * ($0 - $1) }.reduce(0, +) / Double(a.count)).squareRoot()
    }

    func testSmoothsNoisyValuesMoreAndGetsCloserToTheTruth() {
        let (t, truth, precise) = values(noise: 0.05, count: 400, seed: 1)
        let (_, _, noisy) = values(noise: 3, count: 400, seed: 2)
        let a = SmoothingSelection.choose(knots: t, values: [precise])
        let b = SmoothingSelection.choose(knots: t, values: [noisy])
        XCTAssertLessThan(a.smoothing, b.smoothing)
        XCTAssertGreaterThan(a.effectiveParameters, b.effectiveParameters)
        let fitted = SmoothingSpline(knots: t, values: noisy, smoothing: b.smoothing).fittedValues
        // Noise of 3 nm per value: the chosen curve is far closer to the truth than the values.
        XCTAssertLessThan(rms(fitted, truth), 0.5 * rms(noisy, truth))
    }

    func testTraceEstimateIsCloseToTheExactTrace() {
        let t = (0..<200).map { Double($0) * 10 }
        let w = [Double](repeating: 1, count: 200)
        for s in [0.1, 10, 1000] {
            var exact = 0.0
            for i in 0..<200 {
                var e = [Double](repeating: 0, count: 200)
                e[i] = 1
                exact += SmoothingSpline(knots: t, values: e, smoothing: s).fittedValues[i]
            }
            XCTAssertEqual(SmoothingSelection.trace(knots: t, weights: w, smoothing: s), exact, accuracy: 0.15 * exact)
        }
    }

    func testFlatValuesAndFewKnots() {
        XCTAssertEqual(SmoothingSelection.choose(knots: [0, 1, 2], values: [[1, 2, 3]]).smoothing, 0)
        XCTAssertEqual(SmoothingSelection.choose(knots: (0..<10).map(Double.init), values: [[Double](repeating: 4, count: 10)]).smoothing,
                       SmoothingSelection.candidates.last!)
    }

    /// With the noise known (weights = 1 / variance), a drift that jumps from knot to knot well above
    /// the noise is kept (GCV, not knowing the noise, smooths it away), and one below it is smoothed.
    func testKnownNoiseKeepsWhatRisesAboveIt() {
        var rng = RandomSource(seed: 9)
        let t = (0..<240).map(Double.init)
        let jitter = t.map { _ in 5 * rng.normal() }
        let noisy = jitter.map { $0 + 1 * rng.normal() }
        let w = [Double](repeating: 1, count: 240)          // variance 1 nm^2
        let kept = SmoothingSelection.choose(knots: t, values: [noisy], weights: w, knownNoise: true)
        let gcv = SmoothingSelection.choose(knots: t, values: [noisy], weights: w)
        XCTAssertLessThanOrEqual(kept.smoothing, 0.1, "\(kept)")
        XCTAssertGreaterThan(gcv.smoothing, kept.smoothing)
        // A smooth drift under noise of 3 nm: smoothed.
        let smooth = t.map { 10 * sin($0 / 40) + 3 * rng.normal() }
        let s = SmoothingSelection.choose(knots: t, values: [smooth], weights: w.map { $0 / 9 }, knownNoise: true)
        XCTAssertGreaterThan(s.smoothing, 10, "\(s)")
    }
}
