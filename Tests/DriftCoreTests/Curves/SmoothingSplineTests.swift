import DriftCore
import Foundation
import XCTest

final class SmoothingSplineTests: XCTestCase {
    // Irregular knots (frames) and values (nm) used by several tests.
    let knots = [0.0, 130, 260, 300, 520, 700, 810, 1000, 1100, 1350, 1400, 1600]
    let values = [0.0, 3, -2, 4, 7, 1, -3, 2, 8, 5, 6, -1]

    /// Many value sets fitted with one factored system are each the spline of that set alone, bit for
    /// bit, at any smoothing, with and without weights, down to one and two knots.
    func testManyValueSetsFittedAtOnceEqualEachAlone() {
        var rng = RandomSource(seed: 5)
        for n in [1, 2, 3, 7, 60] {
            var t = 0.0
            let knots = (0..<n).map { _ in t += rng.uniform(0.5, 3); return t }
            let sets = (0..<5).map { _ in (0..<n).map { _ in rng.normal() * 4 } }
            let weights = (0..<n).map { _ in rng.uniform(0.2, 5) }
            for smoothing in [0, 0.3, 10, 1e5] {
                for w in [nil, weights] {
                    let together = SmoothingSpline.fittedValues(knots: knots, valueSets: sets, weights: w, smoothing: smoothing)
                    let alone = sets.map { SmoothingSpline(knots: knots, values: $0, weights: w, smoothing: smoothing).fittedValues }
                    XCTAssertEqual(together, alone, "n \(n), smoothing \(smoothing)")
                }
            }
        }
        XCTAssertEqual(SmoothingSpline.fittedValues(knots: [1, 2, 3, 4], valueSets: [], smoothing: 1), [])
    }

    func testZeroSmoothingReproducesKnotsAndEqualsCubicSpline() {
        let s = SmoothingSpline(knots: knots, values: values, smoothing: 0)
        let c = CubicSpline(knots: knots, values: values)
        XCTAssertEqual(s.lambda, 0)
        for (t, v) in zip(knots, values) { XCTAssertEqual(s(t), v) }
        for t in stride(from: -100.0, through: 1700, by: 0.7) { XCTAssertEqual(s(t), c(t), accuracy: 1e-12) }
        // Weights do not matter when interpolating.
        let w = SmoothingSpline(knots: knots, values: values, weights: knots.indices.map { 1 + Double($0) },
                                smoothing: 0)
        for t in stride(from: 0.0, through: 1600, by: 3.1) { XCTAssertEqual(w(t), c(t), accuracy: 1e-12) }
    }

    func testStraightLineIsReproducedAtAnySmoothing() {
        let line = knots.map { 0.02 * $0 - 3 }
        let weights = knots.indices.map { 0.5 + Double($0 % 3) }
        for smoothing in [0.0, 0.01, 1, 100, 1e6, 1e12] {
            let s = SmoothingSpline(knots: knots, values: line, weights: weights, smoothing: smoothing)
            for t in stride(from: 0.0, through: 1600, by: 2.5) {
                XCTAssertEqual(s(t), 0.02 * t - 3, accuracy: 1e-9, "smoothing \(smoothing) t \(t)")
            }
        }
    }

    func testOneAndTwoKnots() {
        let one = SmoothingSpline(knots: [50], values: [4], smoothing: 10)
        XCTAssertEqual(one(-1000), 4)
        XCTAssertEqual(one(50), 4)
        XCTAssertEqual(one(1e6), 4)
        XCTAssertEqual(one.lambda, 0)
        let two = SmoothingSpline(knots: [100, 300], values: [2, 6], weights: [1, 5], smoothing: 10)
        XCTAssertEqual(two(0), 2)
        XCTAssertEqual(two(100), 2)
        XCTAssertEqual(two(150), 3, accuracy: 1e-12)
        XCTAssertEqual(two(250), 5, accuracy: 1e-12)
        XCTAssertEqual(two(1000), 6)
        XCTAssertEqual(two.lambda, 10 * 200 * 200 * 200)
    }

    func testLambdaIsSmoothingTimesMeanSpacingCubed() {
        let s = SmoothingSpline(knots: knots, values: values, smoothing: 3)
        let hbar = (1600.0 - 0) / 11
        XCTAssertEqual(s.lambda, 3 * hbar * hbar * hbar, accuracy: 1e-6)
        // Rescaling time (frames -> other units) and the weights leaves the fitted curve unchanged.
        let scaled = SmoothingSpline(knots: knots.map { $0 * 0.01 + 7 }, values: values,
                                     weights: [Double](repeating: 25, count: knots.count), smoothing: 3)
        for t in stride(from: 0.0, through: 1600, by: 10) {
            XCTAssertEqual(scaled(t * 0.01 + 7), s(t), accuracy: 1e-9)
        }
    }

    func testHeldConstantBeyondTheEndsAtTheSplinesOwnEndValues() {
        let s = SmoothingSpline(knots: knots, values: values, smoothing: 5)
        XCTAssertNotEqual(s.fittedValues[0], values[0])  // smoothed, so not the data value
        XCTAssertEqual(s(knots[0]), s.fittedValues[0])
        XCTAssertEqual(s(-1), s.fittedValues[0])
        XCTAssertEqual(s(-1e7), s.fittedValues[0])
        XCTAssertEqual(s(1600), s.fittedValues.last!)
        XCTAssertEqual(s(1601), s.fittedValues.last!)
        XCTAssertEqual(s(1e7), s.fittedValues.last!)
        // Continuous at the ends.
        XCTAssertEqual(s(knots[0] + 1e-6), s.fittedValues[0], accuracy: 1e-6)
        XCTAssertEqual(s(1600 - 1e-6), s.fittedValues.last!, accuracy: 1e-6)
    }

    /// The fitted curve minimises sum w (y - f)^2 + lambda * integral f''^2: perturbing its knot values
    /// (the interpolating natural spline through them is the best curve with those values) only raises it.
    func testFitMinimisesThePenalisedObjective() {
        let weights = [1.0, 2, 0.5, 1, 3, 1, 1, 0.25, 2, 1, 4, 1]
        let meanWeight = weights.reduce(0, +) / Double(weights.count)
        let s = SmoothingSpline(knots: knots, values: values, weights: weights, smoothing: 2)
        func objective(_ g: [Double]) -> Double {
            let f = CubicSpline(knots: knots, values: g)
            var fit = 0.0
            for i in knots.indices { fit += weights[i] / meanWeight * (values[i] - g[i]) * (values[i] - g[i]) }
            // f'' is linear on each interval; central second differences of a cubic are exact.
            var rough = 0.0
            for i in 0..<(knots.count - 1) {
                let h = knots[i + 1] - knots[i], e = h / 8
                func d2(_ t: Double) -> Double { (f(t + e) - 2 * f(t) + f(t - e)) / (e * e) }
                let u = d2(knots[i] + h / 4), v = d2(knots[i] + 3 * h / 4)
                let m0 = 1.5 * u - 0.5 * v, m1 = 1.5 * v - 0.5 * u
                rough += h / 3 * (m0 * m0 + m0 * m1 + m1 * m1)
            }
            return fit + s.lambda * rough
        }
        let best = objective(s.fittedValues)
        XCTAssertLessThan(best, objective(values))  // the interpolant costs more
        var rng = RandomSource(seed: 3)
        for trial in 0..<40 {
            let eps = trial < 20 ? 0.05 : 0.001
            let g = s.fittedValues.map { $0 + eps * rng.normal() }
            XCTAssertGreaterThan(objective(g), best, "trial \(trial)")
        }
        // Stationary: a symmetric pair of small steps changes it only to second order.
        for i in knots.indices {
            var up = s.fittedValues, down = s.fittedValues
            up[i] += 1e-3; down[i] -= 1e-3
            let (a, b) = (objective(up) - best, objective(down) - best)
            XCTAssertGreaterThan(a, 0); XCTAssertGreaterThan(b, 0)
            XCTAssertEqual(a, b, accuracy: 1e-3 * max(a, b) + 1e-12, "knot \(i)")
        }
    }

    func testSmoothingReducesErrorOnNoisySine() {
        var rng = RandomSource(seed: 42)
        let t = (0..<200).map { Double($0) * 100 + 50 }   // segment centres, 100 frames apart
        func truth(_ x: Double) -> Double { 8 * sin(2 * Double.pi * x / 6000) + 0.001 * x }
        let y = t.map { truth($0) + rng.normal() }        // sigma 1 nm
        func rmse(_ smoothing: Double) -> Double {
            let s = SmoothingSpline(knots: t, values: y, smoothing: smoothing)
            let frames = stride(from: 50.0, through: 19950, by: 1)
            let sq = frames.map { (s($0) - truth($0)) * (s($0) - truth($0)) }
            return (sq.reduce(0, +) / Double(sq.count)).squareRoot()
        }
        let r0 = rmse(0), r1 = rmse(1), r100 = rmse(100)
        XCTAssertEqual(r0, 1, accuracy: 0.25)              // interpolation keeps the noise
        XCTAssertLessThan(r1, r0)
        XCTAssertLessThan(r100, 0.5 * r0)
        XCTAssertLessThan(r100, 0.4)
    }

    func testVeryLargeSmoothingTendsToWeightedLeastSquaresLine() {
        let weights = [1.0, 2, 0.5, 1, 3, 1, 1, 0.25, 2, 1, 4, 1]
        // Weighted least-squares line a + b t.
        let sw = weights.reduce(0, +)
        let st = zip(weights, knots).map { $0 * $1 }.reduce(0, +)
        let sy = zip(weights, values).map { $0 * $1 }.reduce(0, +)
        let stt = zip(weights, knots).map { $0 * $1 * $1 }.reduce(0, +)
        let sty = knots.indices.map { weights[$0] * knots[$0] * values[$0] }.reduce(0, +)
        let b = (sw * sty - st * sy) / (sw * stt - st * st), a = (sy - b * st) / sw
        let s = SmoothingSpline(knots: knots, values: values, weights: weights, smoothing: 1e12)
        for t in stride(from: 0.0, through: 1600, by: 5) { XCTAssertEqual(s(t), a + b * t, accuracy: 1e-6) }
        // And it gets there monotonically: the distance shrinks as smoothing grows.
        var last = Double.infinity
        for smoothing in [1.0, 100, 1e4, 1e6, 1e8] {
            let f = SmoothingSpline(knots: knots, values: values, weights: weights, smoothing: smoothing)
            let d = knots.map { abs(f($0) - (a + b * $0)) }.max()!
            XCTAssertLessThan(d, last)
            last = d
        }
    }

    func testWeightsPullTheCurveTowardHeavilyWeightedPoints() {
        let even = SmoothingSpline(knots: knots, values: values, smoothing: 10)
        var w = [Double](repeating: 1, count: knots.count)
        w[4] = 1000  // the point (520, 7)
        let heavy = SmoothingSpline(knots: knots, values: values, weights: w, smoothing: 10)
        XCTAssertGreaterThan(abs(even(520) - 7), 1)
        XCTAssertLessThan(abs(heavy(520) - 7), 0.05)
        XCTAssertLessThan(abs(heavy(520) - 7), 0.05 * abs(even(520) - 7))
        // A tiny weight lets the curve ignore a point.
        w[4] = 1e-4
        let light = SmoothingSpline(knots: knots, values: values, weights: w, smoothing: 10)
        XCTAssertGreaterThan(abs(light(520) - 7), abs(even(520) - 7))
    }

    func testDriftOverloadMatchesPerAxisSplinesAndExistingFunctionAtZero() {
        let centres = [500.0, 1500, 2500, 3500, 4500, 5500]
        let drift = centres.map { SIMD3(0.01 * $0 + sin($0), -0.02 * $0 + cos($0), 0.5 * sin($0 / 700)) }
        let frames = Array(stride(from: 0, through: 6000, by: 37))
        let plain = DriftInterpolation.drift(at: frames, centres: centres, drift: drift)
        let zero = DriftInterpolation.drift(at: frames, centres: centres, drift: drift, smoothing: 0,
                                            weights: [1, 2, 3, 4, 5, 6])
        XCTAssertEqual(zero, plain)
        let weights = [1.0, 2, 1, 0.5, 1, 3]
        let smooth = DriftInterpolation.drift(at: frames, centres: centres, drift: drift, smoothing: 4,
                                              weights: weights)
        for k in 0..<3 {
            let s = SmoothingSpline(knots: centres, values: drift.map { $0[k] }, weights: weights, smoothing: 4)
            for (f, d) in zip(frames, smooth) { XCTAssertEqual(d[k], s(Double(f))) }
        }
        XCTAssertNotEqual(smooth, plain)
    }
}
