import DriftCore
import DriftIO
import DriftTestSupport
import Foundation
import XCTest

/// `--fiducials auto` on simulated beads with sparse structure and fast vibration (known drift), on a
/// bead that moves on its own, on beads present in part of the acquisition only, and the defaults and
/// `--fiducials auto` on real bead files (Tests/Fixtures/beads, CC0).
final class FiducialTests: XCTestCase {
    static let data = TemporaryDirectory("fiducials")

    override class func tearDown() { data.remove() }

    var dir: TemporaryDirectory { Self.data }

    /// 4 beads in nearly every frame, 500 sites, a 10 nm vibration with a 400-frame period.
    func simulate(seed: UInt64) -> SimulatedAcquisition {
        var p = SimulationParameters()
        p.frames = 8000
        p.sites = 500
        p.fiducials = 4
        p.vibrationNm = 10
        p.vibrationPeriodFrames = 400
        p.seed = seed
        return Simulator.run(p)
    }

    func write(_ acq: SimulatedAcquisition, _ name: String) throws {
        try PicassoWriter.write(acq, to: dir.file(name + ".hdf5"), generator: [])
        try AtomicOutput.write(text: TruthCSV.text(drift: acq.drift), to: dir.file(name + "_truth.csv"))
    }

    /// The rows of bead `b` (within 50 nm of its true position once the true drift is removed).
    func beadRows(_ acq: SimulatedAcquisition, _ b: Int) -> [Int] {
        let at = acq.fiducials[b]
        return acq.frame.indices.filter { i in
            let d = acq.drift[Int(acq.frame[i])]
            let dx = Double(acq.x[i]) - d.x - at.x, dy = Double(acq.y[i]) - d.y - at.y
            return dx * dx + dy * dy < 2500
        }
    }

    func rmse(_ name: String, frames: [Int]? = nil) throws -> SIMD3<Double> {
        let result = try dir.result(name + ".h5")
        let truth = try TruthCSV.read(path: dir.file(name + "_truth.csv"))
        let keep = frames ?? Array(truth.frames.indices)
        return DriftAccuracy.rmse(estimated: keep.map { result.drift[$0] }, truth: keep.map { truth.drift[$0] })
    }

    func testBeadsWithVibrationGiveTheDriftToBelowHalfANanometreAtAnyRankCount() throws {
        try write(simulate(seed: 31), "vib")
        var drifts: [[SIMD3<Double>]] = []
        for ranks in [1, 3] {
            let r = try dir.run(["estimate", "vib.hdf5", "-o", "vib.h5", "--fiducials", "auto", "--no-accuracy", "--force"], ranks: ranks, timeout: 180)
            XCTAssertEqual(r.status, 0, r.stderr)
            XCTAssertTrue(r.stderr.contains("fiducials: 4 of 4 candidates used"), r.stderr)
            let result = try dir.result("vib.h5")
            XCTAssertEqual(result.attributes["fiducials"], .string("auto"))
            XCTAssertEqual(result.attributes["fiducials_used"], .int(4))
            XCTAssertEqual(result.source, [UInt8](repeating: 1, count: 8000))
            XCTAssertTrue(result.sigma.allSatisfy { $0.isNaN || ($0 > 0 && $0 < 2) })
            drifts.append(result.drift)
        }
        XCTAssertEqual(drifts[0], drifts[1], "the same drift at 1 and 3 ranks")
        let e = try rmse("vib")
        XCTAssertLessThan(max(e.x, e.y), 0.4, "\(e)")
    }

    /// `--fiducials FILE`: the beads tracked in given regions, a CSV in nm or a Picasso pick file.
    func testRegionsFromAFile() throws {
        let acq = simulate(seed: 34)
        try write(acq, "regions")
        let csv = "x,y,radius\n" + acq.fiducials.map { "\($0.x),\($0.y),150" }.joined(separator: "\n") + "\n"
        try csv.write(toFile: dir.file("beads.csv"), atomically: true, encoding: .utf8)
        let r = try dir.run(["estimate", "regions.hdf5", "-o", "regions.h5", "--fiducials", "beads.csv", "--no-accuracy"], ranks: 2, timeout: 120)
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stderr.contains("fiducials: 4 of 4 candidates used"), r.stderr)
        XCTAssertEqual(try dir.result("regions.h5").attributes["fiducials"], .string("beads.csv"))
        let e = try rmse("regions")
        XCTAssertLessThan(max(e.x, e.y), 0.4, "\(e)")
        // Two of them as Picasso picks (camera pixels of 130 nm, diameter 2 px).
        let picks = "Centers:\n" + acq.fiducials.prefix(2).map { "- - \($0.x / 130)\n  - \($0.y / 130)" }.joined(separator: "\n")
            + "\nDiameter: 2.0\nShape: Circle\n"
        try picks.write(toFile: dir.file("picks.yaml"), atomically: true, encoding: .utf8)
        let p = try dir.run(["estimate", "regions.hdf5", "-o", "picks.h5", "--fiducials", "picks.yaml", "--no-accuracy"], timeout: 120)
        XCTAssertEqual(p.status, 0, p.stderr)
        XCTAssertTrue(p.stderr.contains("fiducials: 2 of 2 candidates used"), p.stderr)
        // A regions file that cannot be read: one line naming it, on every rank.
        try "1,2\n".write(toFile: dir.file("broken.csv"), atomically: true, encoding: .utf8)
        let b = try dir.run(["estimate", "regions.hdf5", "-o", "broken.h5", "--fiducials", "broken.csv"], ranks: 2, timeout: 60)
        XCTAssertNotEqual(b.status, 0)
        XCTAssertTrue(b.stderr.contains("broken.csv: line 1 is not x, y, radius (nm, radius > 0)"), b.stderr)
        XCTAssertFalse(dir.exists("broken.h5"))
    }

    func testABeadThatMovesOnItsOwnIsLeftOut() throws {
        var acq = simulate(seed: 32)
        for i in beadRows(acq, 0) { acq.x[i] += Float(40 * sin(2 * Double.pi * Double(acq.frame[i]) / 1000)) }
        try write(acq, "mover")
        let r = try dir.run(["estimate", "mover.hdf5", "-o", "mover.h5", "--fiducials", "auto", "--no-accuracy"], timeout: 120)
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stderr.contains("fiducials: 3 of 4 candidates used"), r.stderr)
        let e = try rmse("mover")
        XCTAssertLessThan(max(e.x, e.y), 0.5, "\(e)")
    }

    /// Beads only in the second half: the correlation gives the first half, the beads the second, and
    /// the result says which was used where.
    func testBeadsInPartOfTheAcquisitionAreUsedThereOnly() throws {
        let acq = simulate(seed: 33)
        let early = Set((0..<4).flatMap { beadRows(acq, $0) }.filter { acq.frame[$0] < 4000 })
        try write(acq.rows(acq.frame.indices.filter { !early.contains($0) }), "half")
        let r = try dir.run(["estimate", "half.hdf5", "-o", "half.h5", "--fiducials", "auto", "--no-accuracy", "--min-segment-locs", "20"], ranks: 2, timeout: 180)
        XCTAssertEqual(r.status, 0, r.stderr)
        let result = try dir.result("half.h5")
        XCTAssertEqual(result.source.count, 8000)
        XCTAssertTrue(result.source[0..<3970].allSatisfy { $0 == 0 }, "the correlation where there are no beads")
        XCTAssertTrue(result.source[4030...].allSatisfy { $0 == 1 }, "the beads where they are")
        let late = try rmse("half", frames: Array(4100..<8000))
        XCTAssertLessThan(max(late.x, late.y), 0.5, "\(late)")
        // The result works as any other: inspect names what was used, plot draws it, apply removes it.
        let inspect = try dir.run(["inspect", "half.h5"], timeout: 30)
        XCTAssertEqual(inspect.status, 0, inspect.stderr)
        XCTAssertTrue(inspect.stdout.contains("fiducials_used"), inspect.stdout)
        XCTAssertEqual(try dir.run(["plot", "half.h5", "-o", "half.svg"], timeout: 30).status, 0)
        XCTAssertTrue(dir.exists("half.svg"))
        let apply = try dir.run(["apply", "half.h5", "half.hdf5", "-o", "half_corrected.hdf5"], ranks: 2, timeout: 60)
        XCTAssertEqual(apply.status, 0, apply.stderr)
        XCTAssertTrue(dir.exists("half_corrected.hdf5"))
    }

    /// The real bead files: the defaults run (10 segments chosen from 240 frames); `--fiducials auto`
    /// follows the mean track of the beads seen in at least 230 of the 240 frames (found here
    /// independently: localisations within 300 nm of a bead's first one), to within 3 nm RMS and at
    /// least 80 % of its range in x and y (that track has about 2.5 nm of noise of its own).
    func testRealBeadFilesWithDefaultsAndFiducials() throws {
        for name in ["bead_locs_3", "bead_locs_4"] {
            let input = Fixtures.path("beads/\(name).csv")
            let plain = try dir.run(["estimate", input, "-o", "\(name).h5", "--no-accuracy"], timeout: 60)
            XCTAssertEqual(plain.status, 0, plain.stderr)
            XCTAssertTrue(plain.stderr.contains("240 frames, 10 RCC segments (chosen from the data"), plain.stderr)
            let beads = try dir.run(["estimate", input, "-o", "\(name)_fid.h5", "--no-accuracy", "--fiducials", "auto"], timeout: 60)
            XCTAssertEqual(beads.status, 0, beads.stderr)
            let b = try dir.result("\(name)_fid.h5")
            if case .int(let used) = b.attributes["fiducials_used"] { XCTAssertGreaterThanOrEqual(used, 4) } else { XCTFail("fiducials_used") }
            XCTAssertEqual(b.source.filter { $0 == 1 }.count, 240)
            let track = try Self.longBeadTrack(input)
            for axis in 0..<2 {
                let est = b.drift.map { $0[axis] }, ref = track.map { $0[axis] }
                let diff = zip(est, ref).map { $0 - $1 }
                let mean = diff.reduce(0, +) / Double(diff.count)
                let rms = (diff.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(diff.count)).squareRoot()
                XCTAssertLessThan(rms, 3, "\(name) axis \(axis)")
                XCTAssertGreaterThan(est.max()! - est.min()!, 0.8 * (ref.max()! - ref.min()!), "\(name) axis \(axis)")
            }
        }
    }

    /// Per frame (1 ... 240), the mean over the beads seen in at least 230 frames of each bead's
    /// position minus its mean (nm); a frame a bead misses is left out of its mean.
    static func longBeadTrack(_ path: String) throws -> [SIMD2<Double>] {
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(whereSeparator: \.isNewline)
        let header = lines[0].split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: CharacterSet(charactersIn: "\"")) }
        let fi = header.firstIndex(of: "frame")!, xi = header.firstIndex(of: "x [nm]")!, yi = header.firstIndex(of: "y [nm]")!
        var starts: [SIMD2<Double>] = [], seen: [[Int: SIMD2<Double>]] = []
        for line in lines.dropFirst() {
            let f = line.split(separator: ",", omittingEmptySubsequences: false)
            let frame = Int(Double(f[fi])!), p = SIMD2(Double(f[xi])!, Double(f[yi])!)
            if let k = starts.firstIndex(where: { (($0 - p) * ($0 - p)).sum() < 300 * 300 }) { seen[k][frame] = p }
            else { starts.append(p); seen.append([frame: p]) }
        }
        let long = seen.filter { $0.count >= 230 }.map { t -> [Int: SIMD2<Double>] in
            let mean = t.values.reduce(SIMD2<Double>.zero, +) / Double(t.count)
            return t.mapValues { $0 - mean }
        }
        precondition(!long.isEmpty)
        return (1...240).map { f in
            let here = long.compactMap { $0[f] }
            return here.isEmpty ? .zero : here.reduce(SIMD2<Double>.zero, +) / Double(here.count)
        }
    }
}
