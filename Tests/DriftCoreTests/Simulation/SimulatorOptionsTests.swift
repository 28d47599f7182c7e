import DriftCore
import XCTest

/// The simulator's optional parts: background fraction, bleaching to a surviving fraction,
/// vibration and fiducial beads, in 2D and 3D.
final class SimulatorOptionsTests: XCTestCase {
    func small(seed: UInt64 = 5, threeD: Bool = false) -> SimulationParameters {
        .small(seed: seed, threeD: threeD)
    }

    func testOptionsAtTheirOffValuesChangeNothing() {
        for threeD in [false, true] {
            let base = Simulator.run(small(threeD: threeD))
            var p = small(threeD: threeD)
            p.vibrationNm = 0
            p.vibrationPeriodFrames = 123
            p.fiducials = 0
            p.bleachToFraction = nil
            p.fiducialMissingFraction = 0.3
            let same = Simulator.run(p)
            XCTAssertEqual(same.x, base.x)
            XCTAssertEqual(same.z, base.z)
            XCTAssertEqual(same.photons, base.photons)
            XCTAssertEqual(same.drift, base.drift)
            XCTAssertTrue(same.fiducials.isEmpty && same.bleachFrames.isEmpty)
        }
    }

    func testBackgroundFractionIsTheRequestedOne() {
        for threeD in [false, true] {
            // The background is drawn after the sites' events, so the sample's rows are the same.
            var p = small(threeD: threeD)
            p.backgroundFraction = 0
            let none = Simulator.run(p).count
            for f in [0.05, 0.3, 0.6] {
                p.backgroundFraction = f
                let n = Simulator.run(p).count
                XCTAssertEqual(Double(n - none) / Double(n), f, accuracy: 0.001, "background \(f), 3D \(threeD)")
            }
        }
    }

    func testBleachToLeavesTheRequestedFractionActiveAtTheLastFrame() {
        for threeD in [false, true] {
            var p = small(threeD: threeD)
            p.frames = 20_000
            p.bleachToFraction = 0.22
            p.backgroundFraction = 0
            let a = Simulator.run(p)
            XCTAssertEqual(a.bleachFrames.count, p.sites)
            let active = a.bleachFrames.filter { $0 > Double(p.frames - 1) }.count
            XCTAssertEqual(Double(active) / Double(p.sites), 0.22, accuracy: 0.03)
            // Sites emit only before they bleach: the rate of localisations falls to about 0.22.
            var perFrame = [Int](repeating: 0, count: p.frames)
            for f in a.frame { perFrame[Int(f)] += 1 }
            let tenth = p.frames / 10
            let first = perFrame[..<tenth].reduce(0, +), last = perFrame[(p.frames - tenth)...].reduce(0, +)
            // Expected about 0.22 x 1.08 / 0.93 (the survival averaged over each tenth).
            XCTAssertEqual(Double(last) / Double(first), 0.255, accuracy: 0.06)
            XCTAssertEqual(a.frame, a.frame.sorted())
        }
    }

    func testVibrationIsInTheTruthWithItsAmplitudeAndPeriod() {
        for threeD in [false, true] {
            let base = Simulator.run(small(threeD: threeD)).drift
            var p = small(threeD: threeD)
            p.vibrationNm = 15
            p.vibrationPeriodFrames = 400
            let a = Simulator.run(p)
            XCTAssertEqual(a.drift[0], .zero)
            let dx = zip(a.drift, base).map { $0.x - $1.x }, dy = zip(a.drift, base).map { $0.y - $1.y }
            for d in [dx, dy] {
                XCTAssertEqual(d.max()! - d.min()!, 30, accuracy: 0.01)
                for f in 0..<(p.frames - 400) { XCTAssertEqual(d[f], d[f + 400], accuracy: 1e-6) }
            }
            XCTAssertNotEqual(dx[100], dy[100], accuracy: 1e-3, "a phase of its own per axis")
            XCTAssertEqual(a.drift.map(\.z), base.map(\.z), "x and y only")
        }
    }

    func testFiducialsAppearInEveryFrameAtTheirPositions() {
        for threeD in [false, true] {
            var p = small(threeD: threeD)
            p.frames = 2000
            p.sites = 300
            p.fiducials = 6
            p.fiducialMissingFraction = 0
            let a = Simulator.run(p)
            XCTAssertEqual(a.fiducials.count, 6)
            let field = Double(p.width) * p.pixelSizeNm
            XCTAssertTrue(a.fiducials.allSatisfy { $0.x >= 0.1 * field && $0.x <= 0.9 * field && $0.y >= 0.1 * field && $0.y <= 0.9 * field })
            var perFrame = [Int](repeating: 0, count: p.frames)
            var worst = 0.0
            for k in 0..<a.count where a.photons[k] >= 10_000 {
                perFrame[Int(a.frame[k])] += 1
                XCTAssertLessThan(a.precision[k], 2)
                let d = a.drift[Int(a.frame[k])]
                let observed = SIMD3(Double(a.x[k]), Double(a.y[k]), Double(a.z[k])) - d
                let nearest = a.fiducials.map { b -> Double in
                    let e = observed - b
                    return (e.x * e.x + e.y * e.y).squareRoot()
                }.min()!
                worst = max(worst, nearest)
            }
            XCTAssertTrue(perFrame.allSatisfy { $0 == 6 }, "6 beads in every frame")
            XCTAssertLessThan(worst, 10, "each bead localisation within 10 nm of a bead, after the drift")
            XCTAssertEqual(a.frame, a.frame.sorted())
        }
    }

    func testFiducialsMissAboutTheRequestedShareOfFrames() {
        var p = small(threeD: true)
        p.fiducials = 8
        let a = Simulator.run(p)
        let present = a.photons.filter { $0 >= 10_000 }.count
        let missing = 1 - Double(present) / Double(8 * p.frames)
        XCTAssertEqual(missing, 0.015, accuracy: 0.006)
    }
}
