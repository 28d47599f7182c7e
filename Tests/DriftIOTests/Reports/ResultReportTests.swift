import DriftCore
import DriftIO
import Foundation
import XCTest

final class ResultReportTests: XCTestCase {
    /// A result like estimate's on localisations: 4 frames, 3 segments, 3 pairs (one dropped), a
    /// refinement, and the attributes estimate records (timings, per-rank usage, a truth).
    func writeEstimateLike(_ path: String) throws {
        var part = DriftResultPart(totalFrames: 4, totalSegments: 3, totalPairs: 3)
        part.frames = [0, 1, 2, 3]
        part.drift = [.zero, SIMD3(-12.5, 3, 0), SIMD3(4, 30.25, 0), SIMD3(8, -7, 0)]
        part.segmentFirstFrame = [0, 1, 3]
        part.segmentLastFrame = [0, 2, 3]
        part.segmentCentreFrame = [0, 1.5, 3]
        part.segmentCount = [100, 90, 80]
        part.segmentDrift = [.zero, SIMD3(1, 2, 0), SIMD3(3, 4, 0)]
        part.segmentSigma = [.zero, SIMD3(0.1, 0.1, 0), SIMD3(0.2, 0.2, 0)]
        part.pairI = [0, 0, 1]
        part.pairJ = [1, 2, 2]
        part.pairShift = [SIMD3(1, 2, 0), SIMD3(3, 4, 0), SIMD3(2, 2, 0)]
        part.pairWeight = [1, 1, 1]
        part.pairUsed = [1, 0, 1]
        part.totalFine = 2
        part.fineFirstFrame = [0, 2]
        part.fineLastFrame = [1, 3]
        part.fineCentreFrame = [0.5, 2.5]
        part.fineCount = [190, 80]
        part.fineCorrection = [.zero, SIMD3(0.5, 0.5, 0)]
        let attributes: [(String, AttributeValue)] = [
            ("driftmpi_version", .string("9.8.7")), ("created", .string("2024-01-02T03:04:05Z")), ("command", .string("estimate")),
            ("input", .string("/data/locs.hdf5")), ("input_format", .string("picasso")), ("input_rows", .int(123456)),
            ("frames", .int(4)), ("first_frame", .int(0)), ("frame_base", .int(0)), ("pixel_size_nm", .double(.nan)),
            ("field_origin_nm", .string("0.0,-5.5")), ("field_size_nm", .string("1000.0,2000.0")), ("ranks", .int(2)),
            ("method", .string("rcc")), ("dims", .int(2)), ("segmentation", .string("frames")), ("segment_frames", .int(1000)),
            ("segment_step", .int(1000)), ("segment_locs", .int(0)), ("segments", .int(3)), ("pairs", .int(3)),
            ("bin_nm", .double(60)), ("window", .string("5")), ("max_residual_nm", .double(.infinity)),
            ("smoothing", .double(0.5)), ("refine", .int(1)), ("refine_sigmas_nm", .string("16.0,8.0")),
            ("pairs_used", .int(2)), ("rms_residual_nm", .double(1.75)), ("sparse_segments", .int(1)),
            ("refine_segments", .int(2)), ("refine_passes", .int(4)), ("refine_last_update_nm", .double(0.125)),
            ("truth", .string("/data/truth.csv")), ("rmse_vs_truth_x_nm", .double(0.61)), ("rmse_vs_truth_y_nm", .double(0.72)),
            ("rmse_vs_truth_z_nm", .double(0)), ("timing_read_s", .double(1.5)), ("timing_refine_s", .double(2.25)),
            ("peak_resident_mib_max", .double(321)), ("rank_pairs", .string("2,1")), ("rank_bytes_sent", .string("0,2097152")),
            ("rank_cpu_s", .string("3.500,4.250")), ("rank_peak_resident_mib", .string("321,300")),
            ("rank_mpi_cpu_s", .string("0.250,1.000")), ("rank_messages", .string("12,14")),
            ("a_new_parameter", .string("kept")),
        ]
        try DriftResultWriter.write(part, attributes: attributes, to: path, access: .serial)
    }

    func testReportLinesHoldTheRecordedValues() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let path = dir.file("r.h5")
        try writeEstimateLike(path)
        let report = try ResultReport.read(path: path)
        let text = report.text
        func line(_ label: String) -> String? { report.lines.first { $0.trimmingCharacters(in: .whitespaces).hasPrefix(label + " ") } }
        XCTAssertTrue(text.hasPrefix("driftmpi result: \(path)"), text)
        XCTAssertEqual(line("path").map { $0.hasSuffix("/data/locs.hdf5") }, true, text)
        XCTAssertTrue(line("rows")?.contains("123456 localisations") ?? false, text)
        XCTAssertTrue(line("driftmpi_version")?.contains("9.8.7") ?? false, text)
        XCTAssertTrue(line("created")?.contains("2024-01-02T03:04:05Z") ?? false, text)
        XCTAssertTrue(line("method")?.contains("rcc") ?? false, text)
        XCTAssertTrue(line("segment_frames")?.contains("1000") ?? false, text)
        XCTAssertTrue(line("max_residual_nm")?.contains("inf") ?? false, text)
        XCTAssertTrue(line("a_new_parameter")?.contains("kept") ?? false, "unknown attributes are still printed")
        XCTAssertTrue(line("x")?.contains("-12.500 to 8.000 nm") ?? false, text)
        XCTAssertTrue(line("y")?.contains("-7.000 to 30.250 nm") ?? false, text)
        XCTAssertTrue(line("pairs")?.contains("3: 2 used, 1 dropped") ?? false, text)
        XCTAssertTrue(line("segments")?.contains("3, 1 too sparse") ?? false, text)
        XCTAssertTrue(line("RMS pair residual")?.contains("1.7500 nm") ?? false, text)
        XCTAssertTrue(line("refinement")?.contains("2 segments, 4 passes, last update 0.125 nm") ?? false, text)
        XCTAssertTrue(line("RMSE vs truth")?.contains("x 0.610, y 0.720, z 0.000 nm") ?? false, text)
        XCTAssertTrue(line("read")?.contains("1.500") ?? false, text)
        XCTAssertTrue(report.lines.contains { $0.hasPrefix("  refine ") && $0.hasSuffix(" 2.250") }, text)
        // The rank table: rank, pairs, MiB sent, CPU s, peak MiB, MPI CPU s, messages.
        let rows = report.lines.filter { $0.hasPrefix("     ") }.map { $0.split(separator: " ").map(String.init) }
        XCTAssertTrue(rows.contains(["0", "2", "0.0", "3.50", "321", "0.25", "12"]), text)
        XCTAssertTrue(rows.contains(["1", "1", "2.0", "4.25", "300", "1.00", "14"]), text)
        XCTAssertTrue(report.lines.contains { $0.hasPrefix("  peak resident memory ") && $0.hasSuffix(" 321 MiB (largest rank)") }, text)
        // Parameters come grouped, in a fixed order.
        let groups = report.parameterList.map(\.group)
        XCTAssertEqual(groups, ["segmentation", "correlation", "solve", "curve", "refinement", "other"])
        XCTAssertEqual(report.parameterList[0].entries.map(\.name), ["segmentation", "segment_frames", "segment_step", "segment_locs"])
    }

    func testJSONHasTheKeysAndNumbers() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let path = dir.file("r.h5")
        try writeEstimateLike(path)
        let text = try ResultReport.read(path: path).json.text
        let object = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any]
        let o = try XCTUnwrap(object, text)
        XCTAssertEqual(Set(o.keys), ["file", "unit", "input", "provenance", "parameters", "figures", "timings", "ranks", "peak_resident_mib_max"])
        XCTAssertEqual(o["unit"] as? String, "nm")
        let input = try XCTUnwrap(o["input"] as? [String: Any])
        XCTAssertEqual(input["path"] as? String, "/data/locs.hdf5")
        XCTAssertEqual(input["format"] as? String, "picasso")
        XCTAssertEqual(input["rows"] as? Int, 123456)
        XCTAssertEqual(input["frames"] as? Int, 4)
        XCTAssertTrue(input["pixel_size_nm"] is NSNull, "NaN is null")
        XCTAssertEqual(input["field_origin_nm"] as? [Double], [0, -5.5])
        let provenance = try XCTUnwrap(o["provenance"] as? [String: Any])
        XCTAssertEqual(provenance["driftmpi_version"] as? String, "9.8.7")
        XCTAssertEqual(provenance["ranks"] as? Int, 2)
        XCTAssertEqual(provenance["command"] as? String, "estimate")
        let parameters = try XCTUnwrap(o["parameters"] as? [String: Any])
        XCTAssertEqual(parameters["method"] as? String, "rcc")
        XCTAssertEqual(parameters["bin_nm"] as? Double, 60)
        XCTAssertEqual(parameters["window"] as? Int, 5)
        XCTAssertEqual(parameters["smoothing"] as? Double, 0.5)
        XCTAssertEqual(parameters["refine_sigmas_nm"] as? [Double], [16, 8])
        XCTAssertTrue(parameters["max_residual_nm"] is NSNull, "infinity is null")
        XCTAssertEqual(parameters["a_new_parameter"] as? String, "kept")
        for taken in ["input", "created", "segments", "pairs_used", "timing_read_s", "rank_pairs", "rms_residual_nm"] {
            XCTAssertNil(parameters[taken], "\(taken) is reported in its own section")
        }
        let figures = try XCTUnwrap(o["figures"] as? [String: Any])
        XCTAssertEqual(figures["segments"] as? Int, 3)
        XCTAssertEqual(figures["pairs"] as? Int, 3)
        XCTAssertEqual(figures["pairs_used"] as? Int, 2)
        XCTAssertEqual(figures["pairs_dropped"] as? Int, 1)
        XCTAssertEqual(figures["sparse_segments"] as? Int, 1)
        XCTAssertEqual(figures["rms_residual_nm"] as? Double, 1.75)
        XCTAssertEqual(figures["refine_segments"] as? Int, 2)
        XCTAssertEqual(figures["drift_frames"] as? Int, 4)
        let range = try XCTUnwrap(figures["drift_range"] as? [String: Any])
        XCTAssertEqual(range["unit"] as? String, "nm")
        XCTAssertEqual(range["x"] as? [Double], [-12.5, 8])
        XCTAssertEqual(range["y"] as? [Double], [-7, 30.25])
        XCTAssertNil(figures["drift_range_nm"])
        let rmse = try XCTUnwrap(figures["rmse_vs_truth_nm"] as? [String: Double])
        XCTAssertEqual(rmse, ["x": 0.61, "y": 0.72, "z": 0])
        XCTAssertEqual(o["timings"] as? [String: Double], ["read": 1.5, "refine": 2.25])
        let ranks = try XCTUnwrap(o["ranks"] as? [[String: Any]])
        XCTAssertEqual(ranks.count, 2)
        XCTAssertEqual(ranks[1]["rank"] as? Int, 1)
        XCTAssertEqual(ranks[1]["pairs"] as? Int, 1)
        XCTAssertEqual(ranks[1]["bytes_sent"] as? Int, 2097152)
        XCTAssertEqual(ranks[1]["mib_sent"] as? Double, 2)
        XCTAssertEqual(ranks[1]["cpu_s"] as? Double, 4.25)
        XCTAssertEqual(ranks[1]["peak_mib"] as? Double, 300)
        XCTAssertEqual(o["peak_resident_mib_max"] as? Double, 321)
        // Keys sorted, so the same file always gives the same text.
        XCTAssertEqual(text, try ResultReport.read(path: path).json.text)
        XCTAssertLessThan(text.range(of: "\"figures\"")!.lowerBound, text.range(of: "\"input\"")!.lowerBound)
    }

    /// An image-stack result: pixels, /drift/xyz_nm, time points; no rank or timing attributes.
    func testImageResultInPixels() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let path = dir.file("img.h5")
        var part = DriftResultPart(totalFrames: 3, totalSegments: 0, totalPairs: 0)
        part.frames = [0, 1, 2]
        part.unit = "px"
        part.drift = [.zero, SIMD3(0.5, -1, 0), SIMD3(2, 0.25, 0)]
        part.driftNm = part.drift.map { $0 * 100 }
        try DriftResultWriter.write(part, attributes: [("unit", .string("px")), ("frames", .int(3)), ("rms_residual_px", .double(0.01)),
                                                       ("voxel_size_nm", .string("100.0,100.0,0.0")), ("bin_x", .int(2)), ("clip_low", .string("p1.0"))],
                                    to: path, access: .serial)
        let report = try ResultReport.read(path: path)
        XCTAssertTrue(report.text.contains("0.000 to 2.000 px (0.00 to 200.00 nm)"), report.text)
        XCTAssertTrue(report.text.contains("0.0100 px"), report.text)
        let o = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(report.json.text.utf8)) as? [String: Any])
        XCTAssertEqual(o["unit"] as? String, "px")
        let input = try XCTUnwrap(o["input"] as? [String: Any])
        XCTAssertEqual(input["time_points"] as? Int, 3)
        XCTAssertEqual(input["voxel_size_nm"] as? [Double], [100, 100, 0])
        let figures = try XCTUnwrap(o["figures"] as? [String: Any])
        XCTAssertEqual(figures["rms_residual_px"] as? Double, 0.01)
        XCTAssertEqual((figures["drift_range_nm"] as? [String: Any])?["y"] as? [Double], [-100, 25])
        let parameters = try XCTUnwrap(o["parameters"] as? [String: Any])
        XCTAssertEqual(parameters["bin_x"] as? Int, 2)
        XCTAssertEqual(parameters["clip_low"] as? String, "p1.0")
        XCTAssertEqual((o["ranks"] as? [Any])?.count, 0)
        XCTAssertEqual((o["timings"] as? [String: Any])?.count, 0)
    }

    /// What `drift combine` writes: /drift only, empty tables, few attributes.
    func testCombinedFileWithFewAttributes() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        var a = DriftResult(), b = DriftResult()
        a.frames = [0, 1, 2]
        a.drift = [.zero, SIMD3(1, 1, 0), SIMD3(2, 2, 0)]
        b.frames = [1, 2, 3]
        b.drift = [.zero, SIMD3(0, -3, 0), SIMD3(0, -4, 0)]
        let combined = try DriftCombination.combine([(path: dir.file("a.h5"), result: a), (path: dir.file("b.h5"), result: b)],
                                                    created: "2024-05-06T07:08:09Z")
        let path = dir.file("c.h5")
        try DriftFile.write(combined, to: path)
        let report = try ResultReport.read(path: path)
        let text = report.text
        XCTAssertTrue(report.lines.contains { $0.hasPrefix("  command ") && $0.hasSuffix(" combine") }, text)
        XCTAssertTrue(text.contains(dir.file("a.h5")) && text.contains(dir.file("b.h5")), text)
        XCTAssertTrue(report.lines.contains { $0.hasPrefix("  pairs ") && $0.hasSuffix(" none") }, text)
        XCTAssertTrue(text.contains("4 (0 to 3)"), text)
        XCTAssertFalse(text.contains("timings"), text)
        let o = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(report.json.text.utf8)) as? [String: Any])
        let input = try XCTUnwrap(o["input"] as? [String: Any])
        XCTAssertEqual(input["sources"] as? [String], [dir.file("a.h5"), dir.file("b.h5")])
        let figures = try XCTUnwrap(o["figures"] as? [String: Any])
        XCTAssertEqual(figures["segments"] as? Int, 0)
        XCTAssertEqual(figures["pairs"] as? Int, 0)
        XCTAssertNil(figures["rms_residual_nm"])
        XCTAssertEqual((figures["drift_range"] as? [String: Any])?["y"] as? [Double], [-2, 1])
        let parameters = try XCTUnwrap(o["parameters"] as? [String: Any])
        XCTAssertEqual(parameters["source_count"] as? Int, 2)
        XCTAssertEqual(parameters["dims"] as? Int, 2)
        XCTAssertNil(o["peak_resident_mib_max"])
    }

    /// The bare minimum: /drift/frame and /drift/xyz, no attributes, no frames even.
    func testBareFileDoesNotFail() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let path = dir.file("bare.h5")
        try DriftResultWriter.write(DriftResultPart(totalFrames: 0, totalSegments: 0, totalPairs: 0), attributes: [], to: path, access: .serial)
        let report = try ResultReport.read(path: path)
        XCTAssertTrue(report.text.contains("(not recorded)"), report.text)
        XCTAssertNotNil(try JSONSerialization.jsonObject(with: Data(report.json.text.utf8)) as? [String: Any])
        XCTAssertThrowsError(try ResultReport.read(path: dir.file("missing.h5"))) { error in
            XCTAssertEqual(String(describing: error), dir.file("missing.h5") + ": no such file")
        }
    }

    func testRunSummaryObject() throws {
        let value = ResultReport.runSummary(
            command: "apply", created: "2024-01-01T00:00:00Z", input: ["path": .string("/in.csv")], output: "/out.csv",
            parameters: ["extrapolate": .string("hold")], figures: ["rows": .int(10)], timings: [(phase: "total", seconds: 1.25)],
            ranks: [.init(pairs: 0, bytesSent: 1048576, cpuSeconds: 0.5, peakMiB: 40), .init(pairs: 0, bytesSent: 0, cpuSeconds: 0.25, peakMiB: 50)],
            wallSeconds: 1.2345)
        let o = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(value.text.utf8)) as? [String: Any])
        XCTAssertEqual(Set(o.keys), ["command", "driftmpi_version", "created", "input", "output", "parameters", "figures", "timings",
                                     "ranks", "peak_resident_mib_max", "wall_s"])
        XCTAssertEqual(o["driftmpi_version"] as? String, DriftmpiVersion.string)
        XCTAssertEqual(o["wall_s"] as? Double, 1.235)
        XCTAssertEqual(o["peak_resident_mib_max"] as? Double, 50)
        XCTAssertEqual((o["ranks"] as? [[String: Any]])?.first?["mib_sent"] as? Double, 1)
    }
}
