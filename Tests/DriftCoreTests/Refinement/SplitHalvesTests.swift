import DriftCore
import Foundation
import XCTest

/// The split-halves rule (by cell of the corrected position, never by row or frame) and the error
/// formula (RMS of half the difference, offset removed).
final class SplitHalvesTests: XCTestCase {
    func testTheHalfDependsOnlyOnTheCellOfTheCorrectedPosition() {
        let cell = SplitHalves.defaultCellNm
        // Every point of one cell is in the same half, wherever in the cell.
        for (cx, cy) in [(0, 0), (3, -7), (-1, 12), (150, 151)] {
            let x0 = Float(Double(cx) * cell), y0 = Float(Double(cy) * cell)
            let h = SplitHalves.isInHalfB(x: x0 + 0.5, y: y0 + 0.5, cellNm: cell)
            for (dx, dy) in [(1.0, 1.0), (30, 60), (63.5, 0.5), (10, 63)] as [(Float, Float)] {
                XCTAssertEqual(SplitHalves.isInHalfB(x: x0 + dx, y: y0 + dy, cellNm: cell), h, "cell \(cx), \(cy)")
            }
        }
        // Over many cells the halves are about equal, and neighbours are not all in one half.
        var b = 0, neighboursDiffer = 0
        for ix in 0..<100 {
            for iy in 0..<100 {
                let here = SplitHalves.isInHalfB(x: Float(Double(ix) * cell + 1), y: Float(Double(iy) * cell + 1), cellNm: cell)
                let next = SplitHalves.isInHalfB(x: Float(Double(ix + 1) * cell + 1), y: Float(Double(iy) * cell + 1), cellNm: cell)
                if here { b += 1 }
                if here != next { neighboursDiffer += 1 }
            }
        }
        XCTAssertEqual(Double(b) / 10_000, 0.5, accuracy: 0.03)
        XCTAssertEqual(Double(neighboursDiffer) / 10_000, 0.5, accuracy: 0.05)
        // The same position always gives the same hash (no state, no seed).
        XCTAssertEqual(SplitHalves.cellHash(x: 1234.5, y: -77, cellNm: cell), SplitHalves.cellHash(x: 1234.5, y: -77, cellNm: cell))
    }

    func testTheSplitFollowsTheCorrectedPositionNotTheRowOrFrame() {
        // One molecule at (1000, 1000) nm seen in frames 0...9 while the sample drifts by 10 nm a frame:
        // raw positions spread over 100 nm, corrected ones all in one cell, so all in one half.
        let frames = (0..<10).map { UInt32($0) }
        let drift = (0..<10).map { SIMD3<Double>(10 * Double($0), -5 * Double($0), 0) }
        let locs = Localisations(frame: frames, x: drift.map { Float(1000 + $0.x) }, y: drift.map { Float(1000 + $0.y) })
        let half = SplitHalves.halfB(of: locs, drift: drift, firstFrame: 0, cellNm: 64)
        XCTAssertEqual(Set(half).count, 1)
        // Reordering the rows reorders the membership with them.
        let order = [3, 9, 0, 5, 1, 8, 2, 7, 4, 6]
        let mixed = Localisations(frame: order.map { frames[$0] }, x: order.map { locs.x[$0] }, y: order.map { locs.y[$0] })
        XCTAssertEqual(SplitHalves.halfB(of: mixed, drift: drift, firstFrame: 0, cellNm: 64), order.map { half[$0] })
    }

    func testSelectionKeepsTheSegmentFrameBoundaries() {
        let locs = Localisations(frame: [0, 1, 2, 3, 4, 5, 6, 7], x: (0..<8).map { Float($0) }, y: (0..<8).map { Float($0) },
                                 z: (0..<8).map { Float(-$0) })
        let segments = [FineSegment(firstFrame: 0, lastFrame: 3, rows: 0..<4), FineSegment(firstFrame: 4, lastFrame: 7, rows: 4..<8)]
        let keep = [true, false, true, true, false, false, false, true]
        let (half, carried) = SplitHalves.select(locs, keep: keep, segments: segments)
        XCTAssertEqual(half.frame, [0, 2, 3, 7])
        XCTAssertEqual(half.z!, [0, -2, -3, -7])
        XCTAssertEqual(carried, [FineSegment(firstFrame: 0, lastFrame: 3, rows: 0..<3), FineSegment(firstFrame: 4, lastFrame: 7, rows: 3..<4)])
    }

    func testExpectedErrorIsHalfTheRMSDifferenceWithoutItsMean() {
        // a - b = offset + a sine of amplitude 2 nm in x (RMS sqrt 2), 0.6 nm white-ish in y.
        let n = 1000
        let a = (0..<n).map { k in SIMD3<Double>(5 + 2 * sin(Double(k) / 20), 0.6 * (k % 2 == 0 ? 1 : -1), 0) }
        let b = [SIMD3<Double>](repeating: SIMD3(0, 0, 0), count: n)
        let e = SplitHalves.expectedError(a: a, b: b)
        var meanX = 0.0
        for p in a { meanX += p.x }
        meanX /= Double(n)
        let rmsX = (a.map { ($0.x - meanX) * ($0.x - meanX) }.reduce(0, +) / Double(n)).squareRoot()
        XCTAssertEqual(e.x, rmsX / 2, accuracy: 1e-12)
        XCTAssertEqual(e.x, 2.0.squareRoot() / 2, accuracy: 0.05)
        XCTAssertEqual(e.y, 0.3, accuracy: 1e-12)
        XCTAssertEqual(e.z, 0)
        // Two independent halves with error variance 2 s^2 each: the estimate is about s.
        var rng = RandomSource(seed: 4)
        let s = 0.7
        let ha = (0..<20_000).map { _ in SIMD3(s * 2.0.squareRoot() * rng.normal(), 0, 0) }
        let hb = (0..<20_000).map { _ in SIMD3(s * 2.0.squareRoot() * rng.normal(), 0, 0) }
        XCTAssertEqual(SplitHalves.expectedError(a: ha, b: hb).x, s, accuracy: 0.02)
    }
}
