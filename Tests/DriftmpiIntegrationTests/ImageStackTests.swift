import DriftCore
import DriftIO
import DriftTestSupport
import Foundation
import XCTest

/// Drift from image stacks, end to end: simulated stacks with a known sub-pixel drift (PYME and
/// TIFF), the same result at 1, 2, 3 and 4 ranks, long stacks streamed, corrected stacks, and image drift applied to the
/// localisations of the same simulated acquisition.
final class ImageStackTests: XCTestCase {
    static let data = TemporaryDirectory("images")

    override class func tearDown() { data.remove() }

    @discardableResult
    func run(_ args: [String], ranks: Int = 0, file: StaticString = #filePath, line: UInt = #line) throws -> DriftmpiProcess.Outcome {
        let r = try Self.data.run(args + (["simulate", "drift"].contains(args.first ?? "") ? [] : ["--quiet"]), ranks: ranks, timeout: 300)
        XCTAssertEqual(r.status, 0, "\(args): \(r.stderr)", file: file, line: line)
        return r
    }

    /// 200 frames of 256 x 256 pixels of 100 nm, and the localisations of the same acquisition.
    func simulated() throws {
        guard !Self.data.exists("stack.h5") else { return }
        try run(["simulate", "stack", "stack.h5", "--locs", "stack_locs.hdf5", "--seed", "4"])
    }

    /// RMSE (px) of a result's drift against the truth (nm), after removing the mean offset.
    func rmsePx(_ result: DriftResult, truth: String, pixelNm: Double = 100) throws -> SIMD3<Double> {
        let t = try TruthCSV.read(path: Self.data.file(truth))
        let estimate = t.frames.map { result.drift[$0 - Int(result.frames[0])] * pixelNm }
        return DriftAccuracy.rmse(estimated: estimate, truth: t.drift) / pixelNm
    }

    func testStackDriftIsSubPixelAccurateAndTheSameAtOneThreeAndFourRanks() throws {
        try simulated()
        try run(["estimate", "stack.h5", "-o", "d1.h5", "--truth", "stack_truth.csv"])
        try run(["estimate", "stack.h5", "-o", "d3.h5"], ranks: 3)
        try run(["estimate", "stack.h5", "-o", "d4.h5"], ranks: 4)
        let one = try Self.data.result("d1.h5"), three = try Self.data.result("d3.h5")
        XCTAssertEqual(one.drift, try Self.data.result("d4.h5").drift, "the drift at 1 and 4 ranks")
        XCTAssertEqual(one.unit, "px")
        XCTAssertEqual(one.frames.count, 200)
        XCTAssertEqual(one.drift, three.drift, "the drift at 1 and 3 ranks")
        XCTAssertEqual(one.segmentDrift, three.segmentDrift)
        // In nm too, with the stack's voxel size.
        XCTAssertEqual(one.driftNm.count, 200)
        XCTAssertEqual(one.driftNm[150].x, one.drift[150].x * 100, accuracy: 1e-9)
        let e = try rmsePx(one, truth: "stack_truth.csv")
        XCTAssertLessThan(max(e.x, e.y), 0.01, "RMSE \(e) px (issue: <= 0.02 px)")
        guard case .double(let rx) = one.attributes["rmse_vs_truth_x_nm"] else { return XCTFail("no RMSE attribute") }
        XCTAssertEqual(rx / 100, e.x, accuracy: 1e-9)
        for name in ["bin_t", "median", "clip_low", "tukey_alpha", "voxel_size_nm", "max_drift_px"] {
            XCTAssertNotNil(one.attributes[name], name)
        }
        // Each segment against the sum of the others, and neighbours only.
        for method in ["mcc", "dcc"] {
            try run(["estimate", "stack.h5", "-o", "\(method).h5", "--method", method], ranks: 2)
            let r = try Self.data.result("\(method).h5")
            XCTAssertEqual(r.attributes["method"], .string(method))
            let e = try rmsePx(r, truth: "stack_truth.csv")
            XCTAssertLessThan(max(e.x, e.y), 0.01, "\(method): RMSE \(e) px")
        }
    }

    /// A long uint16 stack, as a camera writes it, streamed: each rank holds the spectra of its
    /// window of pairs, not its time points, so its peak memory stays far below the stack's size in
    /// float (393 MB here); the same drift at 1 and 2 ranks.
    func testLongStacksStreamInBoundedMemory() throws {
        try run(["simulate", "stack", "long.h5", "--frames", "1500", "--uint16", "--seed", "6", "--sites", "1500"])
        XCTAssertGreaterThan(try FileManager.default.attributesOfItem(atPath: Self.data.file("long.h5"))[.size] as? Int ?? 0,
                             1500 * 256 * 256 * 2, "uint16, uncompressed")
        try run(["estimate", "long.h5", "-o", "l1.h5", "--truth", "long_truth.csv"])
        try run(["estimate", "long.h5", "-o", "l2.h5"], ranks: 2)
        let one = try Self.data.result("l1.h5"), two = try Self.data.result("l2.h5")
        XCTAssertEqual(one.drift, two.drift, "the drift at 1 and 2 ranks")
        XCTAssertEqual(one.frames.count, 1500)
        let e = try rmsePx(one, truth: "long_truth.csv")
        XCTAssertLessThan(max(e.x, e.y), 0.01, "RMSE \(e) px")
        for result in [one, two] {
            guard case .string(let peaks)? = result.attributes["rank_peak_resident_mib"] else { return XCTFail("no peak memory") }
            let largest = peaks.split(separator: ",").compactMap { Double($0) }.max() ?? .infinity
            // Measured: about 60 MiB per rank.
            XCTAssertLessThan(largest, 150, "peak MiB per rank: \(peaks)")
        }
        // A failure on one rank while the others stream (the read of a time point): every rank ends
        // with the one line, no output.
        let fault = try Self.data.run(["estimate", "long.h5", "-o", "fault.h5", "--quiet"], ranks: 2, timeout: 60,
                                      environment: ["DRIFTMPI_FAULT": "1:read"])
        XCTAssertFalse(fault.timedOut, "hung")
        XCTAssertEqual(fault.status, 1)
        XCTAssertEqual(fault.errorLines, ["driftmpi: error: DRIFTMPI_FAULT: injected failure on rank 1 in phase read"], fault.stderr)
        XCTAssertFalse(Self.data.exists("fault.h5"))
        // Truncated (a copy cut in half): HDF5 refuses it when it is opened; one line naming the
        // file on every rank, no output.
        let cut = Self.data.file("cut.h5")
        try? FileManager.default.removeItem(atPath: cut)
        try FileManager.default.copyItem(atPath: Self.data.file("long.h5"), toPath: cut)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: cut))
        try handle.truncate(atOffset: UInt64(1500 * 256 * 256))
        try handle.close()
        let r = try Self.data.run(["estimate", "cut.h5", "-o", "bad.h5"], ranks: 2, timeout: 60)
        XCTAssertEqual(r.status, 1)
        XCTAssertEqual(r.errorLines.count, 1, r.stderr)
        XCTAssertTrue(r.errorLines.first?.hasPrefix("driftmpi: error: cut.h5: ") ?? false, r.stderr)
        XCTAssertFalse(Self.data.exists("bad.h5"))
    }

    func testTimeAndSpaceBinningStillGiveTheDriftAtEveryFrame() throws {
        try simulated()
        try run(["estimate", "stack.h5", "-o", "binned.h5", "--bin-t", "4", "--bin-x", "2", "--bin-y", "2",
                 "--median", "3", "--clip-high", "p99.9"])
        let r = try Self.data.result("binned.h5")
        XCTAssertEqual(r.frames, (0..<200).map { Int64($0) })
        XCTAssertEqual(r.segmentDrift.count, 50)
        XCTAssertEqual(r.segmentCount, [Int64](repeating: 4, count: 50))
        XCTAssertEqual(r.attributes["binned_voxel_size_nm"], .string("200.0,200.0,100.0"))
        let e = try rmsePx(r, truth: "stack_truth.csv")
        XCTAssertLessThan(max(e.x, e.y), 0.03, "RMSE \(e) px")
    }

    func testCorrectedStacksLoseTheDrift() throws {
        try simulated()
        try run(["estimate", "stack.h5", "-o", "d.h5"])
        // PYME out at 1 and 2 ranks: the same images; re-estimated, next to no drift.
        try run(["apply", "d.h5", "stack.h5", "-o", "c1.h5"])
        try run(["apply", "d.h5", "stack.h5", "-o", "c2.h5"], ranks: 2)
        let a = try PYMEImageStack(path: Self.data.file("c1.h5")), b = try PYMEImageStack(path: Self.data.file("c2.h5"))
        XCTAssertEqual(try a.read(timePoints: 0..<200), try b.read(timePoints: 0..<200))
        XCTAssertEqual(a.voxelSizeNm, SIMD3(100, 100, 100))
        try run(["estimate", "c1.h5", "-o", "again.h5"])
        let again = try Self.data.result("again.h5")
        let left = again.segmentDrift.map { max(abs($0.x), abs($0.y)) }.max()!
        XCTAssertLessThan(left, 0.05, "drift left after correction, px")

        // A uint16 TIFF stays uint16 (rounded and clipped); written in rank order at 3 ranks.
        let raw = try PYMEImageStack(path: Self.data.file("stack.h5"))
        let tiff = try TIFFStackWriter(path: Self.data.file("stack.tif"), width: 256, height: 256, depth: 1, timePoints: 200,
                                       sampleType: .uint16, voxelSizeNm: SIMD3(100, 100, 0))
        for t in 0..<200 { try tiff.append(timePoint: try raw.read(timePoints: t..<(t + 1))) }
        try tiff.close()
        try run(["apply", "d.h5", "stack.tif", "-o", "c3.tif"], ranks: 3)
        try run(["apply", "d.h5", "stack.tif", "-o", "c1.tif"])
        let t3 = try TIFFStack(path: Self.data.file("c3.tif")), t1 = try TIFFStack(path: Self.data.file("c1.tif"))
        XCTAssertEqual(t3.sampleType, .uint16)
        XCTAssertEqual(t3.timePoints, 200)
        XCTAssertEqual(try t3.read(timePoints: 0..<200), try t1.read(timePoints: 0..<200))
        XCTAssertTrue(try t3.read(timePoints: 100..<101).allSatisfy { $0 == $0.rounded() && $0 >= 0 })
        try run(["apply", "d.h5", "stack.tif", "-o", "float.tif", "--float"])
        XCTAssertEqual(try TIFFStack(path: Self.data.file("float.tif")).sampleType, .float32)
        try run(["estimate", "c3.tif", "-o", "again3.h5"])
        let left3 = try Self.data.result("again3.h5").segmentDrift.map { max(abs($0.x), abs($0.y)) }.max()!
        XCTAssertLessThan(left3, 0.05, "drift left in the uint16 TIFF, px")
    }

    func testImageDriftCorrectsTheLocalisationsOfTheSameAcquisition() throws {
        try simulated()
        try run(["estimate", "stack.h5", "-o", "img.h5", "--bin-t", "2"])
        try run(["apply", "img.h5", "stack_locs.hdf5", "-o", "locs_fixed.hdf5"], ranks: 2)
        let raw = try PicassoFile(path: Self.data.file("stack_locs.hdf5")), fixed = try PicassoFile(path: Self.data.file("locs_fixed.hdf5"))
        let a = try raw.read(rows: 0..<raw.rowCount), b = try fixed.read(rows: 0..<raw.rowCount)
        let truth = try TruthCSV.read(path: Self.data.file("stack_locs_truth.csv"))
        XCTAssertGreaterThan(a.count, 1000)
        // What each localisation lost is the image drift, in nm: close to the true drift at its frame.
        var residual: [SIMD2<Double>] = []
        for k in a.frame.indices {
            let t = truth.drift[Int(a.frame[k])]
            residual.append(SIMD2(t.x, t.y) - SIMD2(Double(a.x[k] - b.x[k]), Double(a.y[k] - b.y[k])))
        }
        let mean = residual.reduce(.zero, +) / Double(residual.count)
        let rms = (residual.map { ($0 - mean) * ($0 - mean) }.reduce(.zero, +) / Double(residual.count)).squareRoot()
        XCTAssertLessThan(max(rms.x, rms.y), 1.5, "nm left in the localisations: \(rms)")
    }

    /// Drift files in pixels stay in pixels through `drift smooth` and `drift combine`, with nm beside them.
    func testPixelDriftFilesKeepTheirUnit() throws {
        try simulated()
        try run(["estimate", "stack.h5", "-o", "px.h5"])
        try run(["drift", "smooth", "px.h5", "-o", "px_smooth.h5", "--smoothing", "10"])
        try run(["drift", "combine", "px.h5", "px_smooth.h5", "-o", "px_sum.h5"])
        for name in ["px_smooth.h5", "px_sum.h5"] {
            let r = try Self.data.result(name)
            XCTAssertEqual(r.unit, "px", name)
            XCTAssertEqual(r.driftNm.count, r.drift.count, name)
            XCTAssertEqual(r.driftNm[120].y, r.drift[120].y * 100, accuracy: 1e-9, name)
        }
        try run(["apply", "px_smooth.h5", "stack_locs.hdf5", "-o", "locs_smooth.hdf5"])
    }

    func testZStacksGiveZDrift() throws {
        try run(["simulate", "stack", "z.h5", "--z-slices", "12", "--frames", "24", "--size", "64", "--sites", "300", "--seed", "2"])
        try run(["estimate", "z.h5", "-o", "z1.h5", "--max-drift-px", "8"])
        try run(["estimate", "z.h5", "-o", "z3.h5", "--max-drift-px", "8"], ranks: 3)
        let one = try Self.data.result("z1.h5")
        XCTAssertEqual(one.drift, try Self.data.result("z3.h5").drift)
        XCTAssertEqual(one.attributes["dims"], .int(3))
        let e = try rmsePx(one, truth: "z_truth.csv")
        XCTAssertLessThan(max(e.x, e.y), 0.02, "RMSE \(e)")
        // z is limited by structure cut off at the ends of a 12-slice stack (0.14 slices measured).
        XCTAssertLessThan(e.z, 0.2, "z RMSE \(e.z) slices")
        // The same stack as an ImageJ hyperstack TIFF gives the same drift.
        let pyme = try PYMEImageStack(path: Self.data.file("z.h5"))
        XCTAssertEqual(pyme.depth, 12)
        let tiff = try TIFFStackWriter(path: Self.data.file("z.tif"), width: 64, height: 64, depth: 12, timePoints: 24,
                                       sampleType: .float32, voxelSizeNm: pyme.voxelSizeNm)
        for t in 0..<24 { try tiff.append(timePoint: try pyme.read(timePoints: t..<(t + 1))) }
        try tiff.close()
        XCTAssertEqual(try TIFFStack(path: Self.data.file("z.tif")).depth, 12)
        try run(["estimate", "z.tif", "-o", "ztif.h5", "--max-drift-px", "8"], ranks: 2)
        XCTAssertEqual(try Self.data.result("ztif.h5").drift, one.drift)
        // --dims 2 flattens each z-stack.
        try run(["estimate", "z.h5", "-o", "z2d.h5", "--max-drift-px", "8", "--dims", "2"])
        XCTAssertEqual(try Self.data.result("z2d.h5").attributes["dims"], .int(2))
    }

    /// The real PYME file from the plug-in's example: its drift, and the same from a plain
    /// FFT cross-correlation of the first and last images (numpy: (38, 48) px).
    func testThePYMESample() throws {
        let sample = Fixtures.path("pyme/wormlike_simulated_images_with_drift.h5")
        try run(["estimate", sample, "-o", "pyme.h5"])
        let r = try Self.data.result("pyme.h5")
        XCTAssertEqual(r.frames.count, 10)
        XCTAssertEqual(r.attributes["voxel_size_nm"], .string("20.0,20.0,1000.0"))
        XCTAssertEqual(r.segmentDrift[9].x, 38, accuracy: 0.5)
        XCTAssertEqual(r.segmentDrift[9].y, 48, accuracy: 0.5)
    }

    func testBadStacks() throws {
        try run(["simulate", "stack", "one.h5", "--frames", "1", "--size", "32", "--sites", "20"])
        for ranks in [1, 3] {
            let r = try Self.data.run(["estimate", "one.h5", "-o", "bad.h5"], ranks: ranks, timeout: 30)
            XCTAssertEqual(r.status, 1)
            XCTAssertEqual(r.errorLines, ["driftmpi: error: one.h5: 1 time point binned by 1 make fewer than 2 segments; drift needs at least 2 time points"], r.stderr)
            XCTAssertFalse(Self.data.exists("bad.h5"))
        }
        try "not a tiff".write(toFile: Self.data.file("text.tif"), atomically: true, encoding: .utf8)
        let r = try Self.data.run(["estimate", "text.tif", "-o", "bad.h5"], ranks: 2, timeout: 30)
        XCTAssertEqual(r.status, 1)
        XCTAssertEqual(r.errorLines.count, 1, r.stderr)
        XCTAssertTrue(r.errorLines.first?.hasPrefix("driftmpi: error: text.tif: not a TIFF file") ?? false, r.stderr)
    }
}
