import DriftCore
import Foundation
import XCTest

final class StackSimulatorTests: XCTestCase {
    func small(frames: Int = 40, size: Int = 96, sites: Int = 300, seed: UInt64 = 4, zSlices: Int = 0,
               noise: Bool = true, background: Double = 10) -> StackParameters {
        var p = StackParameters()
        p.frames = frames
        p.width = size
        p.height = size
        p.sites = sites
        p.seed = seed
        p.zSlices = zSlices
        p.noise = noise
        p.backgroundPhotons = background
        return p
    }

    /// Frame sum, and intensity-weighted centroid (pixel x centred at x) of slice `k` of a frame.
    func moments(_ s: SimulatedStack, frame t: Int, slice k: Int = 0) -> (sum: Double, x: Double, y: Double) {
        var sum = 0.0, sx = 0.0, sy = 0.0
        let plane = s.width * s.height
        for y in 0..<s.height {
            for x in 0..<s.width {
                let v = Double(s.frames[t][k * plane + y * s.width + x])
                sum += v
                sx += v * Double(x)
                sy += v * Double(y)
            }
        }
        return (sum, sx / sum, sy / sum)
    }

    func testDriftAndSitesAreThoseOfTheLocalisationSimulator() {
        for zSlices in [0, 6] {
            let p = small(frames: 200, size: 64, sites: 400, seed: 11, zSlices: zSlices, noise: false)
            let stack = StackSimulator.run(p)
            let lp = StackSimulator.locsParameters(p)
            XCTAssertEqual(lp.seed, p.seed)
            XCTAssertEqual(lp.threeD, zSlices > 0)
            let acq = Simulator.run(lp)
            XCTAssertEqual(stack.drift, acq.drift, "identical drift, bit for bit")
            XCTAssertEqual(stack.drift.count, 200)
            XCTAssertEqual(stack.drift[0], SIMD3(0, 0, 0))
            XCTAssertEqual(stack.sites.count, 400)
            // The localisations, less the drift, lie on the stack's sites (background ones aside).
            var near = 0
            let n = min(acq.count, 400)
            for k in 0..<n {
                let d = acq.drift[Int(acq.frame[k])]
                let px = Double(acq.x[k]) - d.x, py = Double(acq.y[k]) - d.y
                let best = stack.sites.map { ($0.x - px) * ($0.x - px) + ($0.y - py) * ($0.y - py) }.min()!
                if best.squareRoot() < 60 { near += 1 }
            }
            XCTAssertGreaterThan(Double(near), 0.85 * Double(n))
        }
    }

    func testSameSeedSameImages() {
        let a = StackSimulator.run(small(frames: 5)), b = StackSimulator.run(small(frames: 5))
        XCTAssertEqual(a.frames, b.frames)
        XCTAssertNotEqual(StackSimulator.run(small(frames: 5, seed: 5)).frames[0], a.frames[0])
        // Streaming gives the same time points as the whole-stack call.
        var streamed: [[Float]] = []
        StackSimulator.generate(small(frames: 5)) { t, frame in
            XCTAssertEqual(t, streamed.count)
            streamed.append(frame)
        }
        XCTAssertEqual(streamed, a.frames)
    }

    func testGeometry() {
        let s = StackSimulator.run(small(frames: 3, size: 64, zSlices: 4))
        XCTAssertEqual(s.timePoints, 3)
        XCTAssertEqual(s.depth, 4)
        XCTAssertEqual(s.frames[0].count, 4 * 64 * 64)
        XCTAssertEqual(s.voxelSizeNm, SIMD3(100, 100, 100))
        XCTAssertEqual(StackSimulator.run(small(frames: 2)).depth, 1)
    }

    func testNoiseFreeFrameHoldsEveryPhoton() {
        let p = small(frames: 4, size: 128, sites: 500, noise: false, background: 0)
        let s = StackSimulator.run(p)
        for t in 0..<p.frames {
            let sum = moments(s, frame: t).sum
            XCTAssertEqual(sum / (Double(p.sites) * p.photonsPerEmitter), 1, accuracy: 0.01)
        }
        let withBackground = StackSimulator.run(small(frames: 1, size: 128, sites: 500, noise: false, background: 10))
        let expected = Double(p.sites) * p.photonsPerEmitter + 10 * 128 * 128
        XCTAssertEqual(moments(withBackground, frame: 0).sum / expected, 1, accuracy: 0.01)
    }

    func testSingleSiteCentroidFollowsTheDrift() {
        let p = small(frames: 60, size: 64, sites: 1, seed: 3, noise: false, background: 0)
        let s = StackSimulator.run(p)
        XCTAssertEqual(s.sites.count, 1)
        let site = s.sites[0]
        let c0 = moments(s, frame: 0)
        var largest = 0.0
        for t in 0..<p.frames {
            let c = moments(s, frame: t)
            let d = s.drift[t]
            XCTAssertEqual(c.x, (site.x + d.x) / p.pixelSizeNm, accuracy: 0.01)
            XCTAssertEqual(c.y, (site.y + d.y) / p.pixelSizeNm, accuracy: 0.01)
            XCTAssertEqual(c.x - c0.x, d.x / p.pixelSizeNm, accuracy: 0.01)
            XCTAssertEqual(c.y - c0.y, d.y / p.pixelSizeNm, accuracy: 0.01)
            largest = max(largest, (d.x * d.x + d.y * d.y).squareRoot())
        }
        XCTAssertEqual(largest, p.driftNm, accuracy: 1e-6)
    }

    func testSliceWeightsFollowTheAxialPSF() {
        let p = small(frames: 30, size: 64, sites: 1, seed: 8, zSlices: 9, noise: false, background: 0)
        let s = StackSimulator.run(p)
        let site = s.sites[0]
        XCTAssertNotEqual(s.drift[29].z, 0, "3D drift has a z component")
        for t in [0, 10, 29] {
            let zt = site.z + s.drift[t].z
            for k in 0..<9 {
                let zk = (Double(k) - 4) * p.zStepNm
                let expected = exp(-(zt - zk) * (zt - zk) / (2 * p.psfSigmaZNm * p.psfSigmaZNm))
                let measured = moments(s, frame: t, slice: k).sum / p.photonsPerEmitter
                XCTAssertEqual(measured, expected, accuracy: 0.002 + 0.002 * expected, "time point \(t), slice \(k)")
            }
        }
    }

    func testNoiseIsPoisson() {
        for mean in [10.0, 100.0] {
            var p = small(frames: 2, size: 128, sites: 1, background: mean)
            p.photonsPerEmitter = 0
            let s = StackSimulator.run(p)
            let v = s.frames.flatMap { $0 }.map(Double.init)
            XCTAssertTrue(v.allSatisfy { $0 >= 0 && $0 == $0.rounded() }, "photon counts")
            let m = v.reduce(0, +) / Double(v.count)
            let variance = v.map { ($0 - m) * ($0 - m) }.reduce(0, +) / Double(v.count - 1)
            XCTAssertEqual(m / mean, 1, accuracy: 0.01)
            XCTAssertEqual(variance / mean, 1, accuracy: 0.03)
        }
    }
}
