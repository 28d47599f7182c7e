import DriftCore
import DriftIO
import DriftTestSupport
import Foundation
import XCTest

/// Data and rank counts at the edges: idle ranks, gaps in the data.
final class EdgeCaseTests: XCTestCase {
    var dir: TemporaryDirectory!

    override func setUp() { dir = TemporaryDirectory("edge") }

    override func tearDown() { dir.remove() }

    func write(_ acq: SimulatedAcquisition, _ name: String) throws {
        try PicassoWriter.write(acq, to: dir.file(name), generator: [])
        try AtomicOutput.write(text: TruthCSV.text(drift: acq.drift), to: dir.file(name.replacingOccurrences(of: ".hdf5", with: "_truth.csv")))
    }

    /// More ranks than segments: the idle ranks join every collective call (3D with refinement too)
    /// and the drift is the same as on one rank.
    func testMoreRanksThanSegments() throws {
        var p = SimulationParameters()
        p.frames = 4000
        p.sites = 2000
        p.seed = 12
        p.threeD = true
        try write(Simulator.run(p), "few.hdf5")
        var drifts: [[SIMD3<Double>]] = []
        for ranks in [1, 3] {
            let r = try dir.run(["estimate", "few.hdf5", "-o", "few\(ranks).h5", "--segment-frames", "2000", "--quiet"],
                                ranks: ranks, timeout: 120)
            XCTAssertFalse(r.timedOut, "hung at \(ranks) ranks")
            XCTAssertEqual(r.status, 0, r.stderr)
            drifts.append(try dir.result("few\(ranks).h5").drift)
        }
        XCTAssertEqual(drifts[0], drifts[1])
    }

    /// Nothing is dropped silently: a localisation far outside the recorded field and one with a frame
    /// beyond the recorded frames are counted, named in one warning line (also with --quiet) and
    /// stored, at 1 and 2 ranks alike.
    func testLeftOutRowsAreCountedNamedAndStored() throws {
        var p = SimulationParameters()
        p.frames = 3000
        p.sites = 1500
        p.seed = 15
        var acq = Simulator.run(p)
        for (f, x) in [(UInt32(5), Float(1e30)), (UInt32.max, Float(500))] {
            acq.frame.append(f); acq.x.append(x); acq.y.append(500)
            if !acq.z.isEmpty { acq.z.append(0) }
            acq.photons.append(1000); acq.background.append(10); acq.precision.append(10); acq.psfSigma.append(130)
        }
        try write(acq, "leftout.hdf5")
        var drifts: [[SIMD3<Double>]] = []
        for ranks in [1, 2] {
            let r = try dir.run(["estimate", "leftout.hdf5", "-o", "leftout\(ranks).h5", "--quiet", "--no-accuracy"], ranks: ranks, timeout: 120)
            XCTAssertEqual(r.status, 0, r.stderr)
            let warnings = r.stderr.split(separator: "\n").filter { $0.contains("warning:") }
            XCTAssertEqual(warnings, ["driftmpi: warning: leftout.hdf5: 1 localisation more than 1 um outside the recorded field of 33280 x 33280 nm and 1 localisation with frames outside the recorded frames 0-2999 are left out"], r.stderr)
            let result = try dir.result("leftout\(ranks).h5")
            XCTAssertEqual(result.attributes["left_out_field_rows"], .int(1))
            XCTAssertEqual(result.attributes["left_out_frame_rows"], .int(1))
            drifts.append(result.drift)
        }
        XCTAssertEqual(drifts[0], drifts[1])
    }

    /// By default (segments chosen from the data, by count) two windows of data far apart in time
    /// are segmented only where there are localisations, and segments on either side of the gap are
    /// correlated with each other: no segment is too sparse, the drift is measured in both windows,
    /// and it is the same at 1 and 3 ranks.
    func testDefaultSegmentsBridgeAGapInTime() throws {
        var p = SimulationParameters()
        p.frames = 10_500
        p.sites = 3000
        p.seed = 14
        let all = Simulator.run(p)
        try write(all.rows(all.frame.indices.filter { all.frame[$0] < 1500 || all.frame[$0] >= 9000 }), "windows.hdf5")
        var drifts: [[SIMD3<Double>]] = []
        for ranks in [1, 3] {
            let r = try dir.run(["estimate", "windows.hdf5", "-o", "windows\(ranks).h5", "--truth", "windows_truth.csv"], ranks: ranks, timeout: 120)
            XCTAssertEqual(r.status, 0, r.stderr)
            XCTAssertTrue(r.stderr.contains("chosen from the data"), r.stderr)
            let result = try dir.result("windows\(ranks).h5")
            XCTAssertEqual(result.attributes["segmentation"], .string("automatic"))
            XCTAssertEqual(result.attributes["sparse_segments"], .int(0))
            // Some pair joins a segment before the gap to one after it.
            let before = result.segmentLastFrame.indices.filter { result.segmentCentreFrame[$0] < 1500 }
            let across = zip(result.pairI, result.pairJ).contains { i, j in before.contains(Int(i)) != before.contains(Int(j)) }
            XCTAssertTrue(across, "a pair across the gap")
            let truth = try TruthCSV.read(path: dir.file("windows_truth.csv"))
            let seen = truth.frames.indices.filter { truth.frames[$0] < 1500 || truth.frames[$0] >= 9000 }
            let rmse = DriftAccuracy.rmse(estimated: seen.map { result.drift[$0] }, truth: seen.map { truth.drift[$0] })
            XCTAssertLessThan(max(rmse.x, rmse.y), 3, "\(rmse)")
            drifts.append(result.drift)
        }
        XCTAssertEqual(drifts[0], drifts[1])
    }

    /// With segments of 1000 frames, a gap in the data makes a segment too sparse: it is reported and
    /// left out of the solve, and the drift is still measured around it.
    func testSparseSegmentIsLeftOut() throws {
        var p = SimulationParameters()
        p.frames = 8000
        p.sites = 3000
        p.seed = 13
        let all = Simulator.run(p)
        try write(all.rows(all.frame.indices.filter { all.frame[$0] < 3000 || all.frame[$0] >= 4000 }), "gap.hdf5")
        let r = try dir.run(["estimate", "gap.hdf5", "-o", "gap.h5", "--truth", "gap_truth.csv", "--segment-frames", "1000"], ranks: 2, timeout: 120)
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("segments too sparse to correlate (frames): 3000-3999"), r.stdout)
        let result = try dir.result("gap.h5")
        XCTAssertTrue(result.segmentDrift[3].x.isNaN, "the sparse segment has no drift of its own")
        XCTAssertTrue(result.drift.allSatisfy { $0.x.isFinite && $0.y.isFinite })
        XCTAssertEqual(result.attributes["sparse_segments"], .int(1))
        let truth = try TruthCSV.read(path: dir.file("gap_truth.csv"))
        // Where there are data the drift is measured as well as anywhere (the gap itself can only be interpolated).
        let seen = truth.frames.indices.filter { truth.frames[$0] < 3000 || truth.frames[$0] >= 4000 }
        let rmse = DriftAccuracy.rmse(estimated: seen.map { result.drift[$0] }, truth: seen.map { truth.drift[$0] })
        XCTAssertLessThan(max(rmse.x, rmse.y), 3, "\(rmse)")
    }

    func testOverlapNeedsAWindowThatLinksSegments() throws {
        let r = try dir.run(["estimate", "x.hdf5", "-o", "r.h5", "--segment-frames", "1000", "--segment-step", "500", "--method", "dcc"], timeout: 30)
        XCTAssertEqual(r.status, 64)
        XCTAssertTrue(r.stderr.contains("need --method rcc with --window 2 or more"), r.stderr)
    }

    /// A table out of frame order (PYME fits from several workers, merged tables) gives exactly the
    /// drift of the same table stably sorted by frame, at 1 and 3 ranks, by frames and by counts;
    /// its corrected file keeps the input's row order.
    func testFramesOutOfOrderGiveTheDriftOfTheSortedTable() throws {
        var p = SimulationParameters()
        p.frames = 6000
        p.sites = 1500
        p.seed = 14
        let acq = Simulator.run(p)
        var random = RandomSource(seed: 99)
        let shuffled = acq.rows(Array(acq.frame.indices).shuffled(using: &random))
        let sorted = shuffled.rows(shuffled.frame.indices.sorted { (shuffled.frame[$0], $0) < (shuffled.frame[$1], $1) })
        try write(shuffled, "shuffled.hdf5")
        try write(sorted, "sorted.hdf5")
        for segments in [["--segment-frames", "500"], ["--segment-locs", "5000"]] {
            let ref = try dir.run(["estimate", "sorted.hdf5", "-o", "sorted.h5", "--write-corrected", "sorted_fixed.hdf5",
                                   "--truth", "sorted_truth.csv", "--force"] + segments)
            XCTAssertEqual(ref.status, 0, ref.stderr)
            XCTAssertFalse(ref.stderr.contains("not in frame order"))
            let expected = try dir.result("sorted.h5").drift
            let fixedSorted = try PicassoFile(path: dir.file("sorted_fixed.hdf5")).read(rows: 0..<sorted.count, threeD: false)
            for ranks in [1, 3] {
                let r = try dir.run(["estimate", "shuffled.hdf5", "-o", "shuffled.h5", "--write-corrected", "shuffled_fixed.hdf5",
                                     "--truth", "shuffled_truth.csv", "--force"] + segments, ranks: ranks)
                XCTAssertEqual(r.status, 0, r.stderr)
                XCTAssertTrue(r.stderr.contains("shuffled.hdf5: the localisations are not in frame order"), r.stderr)
                XCTAssertEqual(try dir.result("shuffled.h5").drift, expected, "\(segments) at \(ranks) ranks")
                // Row k of the corrected shuffled table is row order[k] of the corrected sorted one.
                let fixed = try PicassoFile(path: dir.file("shuffled_fixed.hdf5")).read(rows: 0..<shuffled.count, threeD: false)
                XCTAssertEqual(fixed.frame, shuffled.frame)
                let order = shuffled.frame.indices.sorted { (shuffled.frame[$0], $0) < (shuffled.frame[$1], $1) }
                XCTAssertEqual(order.map { fixed.frame[$0] }, fixedSorted.frame)
                XCTAssertEqual(order.map { fixed.x[$0] }, fixedSorted.x, "\(segments) at \(ranks) ranks")
                XCTAssertEqual(order.map { fixed.y[$0] }, fixedSorted.y, "\(segments) at \(ranks) ranks")
            }
        }
    }
}
