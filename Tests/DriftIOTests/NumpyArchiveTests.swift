import DriftCore
@testable import DriftIO
import Foundation
import XCTest

/// NumPy `.npz` archives through libzip and the `.npy` arrays inside. The fixtures are in
/// Tests/Fixtures/pyme: drift.npz is a real PYME drift file (deflated, written by Python 2's NumPy);
/// the others come from make_npz.py there. Expected numbers are NumPy's (`numpy.load`).
final class NumpyArchiveTests: XCTestCase {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/pyme").path

    func fixture(_ name: String) -> String { Self.fixtures + "/" + name }

    func testRealPymeDriftFile() throws {
        let archive = try NumpyArchive(path: fixture("drift.npz"))
        XCTAssertEqual(Set(archive.memberNames), ["drift.npy", "tIndex.npy"])
        XCTAssertTrue(archive.contains("tIndex") && archive.contains("drift.npy"))

        let t = try archive.array("tIndex")
        XCTAssertEqual(t.shape, [30])  // the header says (30L,)
        XCTAssertEqual(t.values.first, 531)
        XCTAssertEqual(t.values[1], 1531)
        XCTAssertEqual(t.values[28], 28531)
        XCTAssertEqual(t.values.last, 29530)

        let d = try archive.array("drift")
        XCTAssertEqual(d.shape, [30, 3])
        XCTAssertEqual(d.values.count, 90)
        XCTAssertEqual(Array(d.values[0..<6]), [0, 0, 0, -94.44363165575754, -27.240424020207172, 0])
        XCTAssertEqual(Array(d.values[42..<45]), [-556.5670948401477, -486.9419232655202, 0])
        XCTAssertEqual(Array(d.values[87..<90]), [-889.3139014723554, -1148.0638837627685, 0])

        let all = try NumpyArchive.read(path: fixture("drift.npz"))
        XCTAssertEqual(all["drift"], d)
        XCTAssertEqual(all["tIndex"], t)

        let pyme = try PymeDriftFile.read(path: fixture("drift.npz"))
        XCTAssertEqual(pyme.tIndex, t.values)
        XCTAssertEqual(pyme.drift[29], SIMD3(-889.3139014723554, -1148.0638837627685, 0))
    }

    func testStoredMembersOfEveryType() throws {
        let a = try NumpyArchive.read(path: fixture("stored.npz"))
        XCTAssertEqual(a["f4"], NumpyArray(shape: [2], values: [1.5, -2.25]))
        XCTAssertEqual(a["f8"]?.shape, [2, 3])
        XCTAssertEqual(a["f8"]?.values, [0.1, -1e300, 2.5, 3, 4, -0.0])
        XCTAssertEqual(a["f8"]?.values[5].sign, .minus)
        XCTAssertEqual(a["i1"]?.values, [-128, 127])
        XCTAssertEqual(a["i2"]?.values, [-3, 7])
        XCTAssertEqual(a["i4"]?.values, [-2147483648, 5])
        XCTAssertEqual(a["i8"]?.values, [-9007199254740992, 9])
        XCTAssertEqual(a["u1"]?.values, [0, 255])
        XCTAssertEqual(a["u2"]?.values, [65535, 1])
        XCTAssertEqual(a["u4"]?.values, [4294967295, 2])
        XCTAssertEqual(a["u8"]?.values, [9223372036854775808, 3])
        XCTAssertEqual(a["b1"]?.values, [1, 0])
        XCTAssertEqual(a["scalar"], NumpyArray(shape: [], values: [7.25]))
        XCTAssertEqual(a.count, 12)
    }

    func testBigEndianAndFormatVersions2And3() throws {
        let a = try NumpyArchive.read(path: fixture("bigendian.npz"))
        XCTAssertEqual(a["f8"], NumpyArray(shape: [2, 3], values: [1, -2.5, 3.25, 4, 5, 6e-05]))
        XCTAssertEqual(a["f4"], NumpyArray(shape: [2], values: [0.5, -8]))   // version 2.0
        XCTAssertEqual(a["i4"], NumpyArray(shape: [2], values: [-7, 1000000]))  // version 3.0
        XCTAssertEqual(a["u2"]?.values, [258, 65535])
        XCTAssertEqual(a["i8"]?.values, [-1, 1099511627776])
    }

    func error(_ body: () throws -> Any) -> String {
        do {
            _ = try body()
            return "no error"
        } catch {
            return "\(error)"
        }
    }

    func testStringMemberIsNamed() {
        let path = fixture("strings.npz")
        XCTAssertEqual(error { try NumpyArchive(path: path).array("tIndex") },
                       "\(path): member 'tIndex.npy' has dtype '<U8', not numeric")
        XCTAssertEqual(error { try PymeDriftFile.read(path: path) },
                       "\(path): member 'tIndex.npy' has dtype '<U8', not numeric")
    }

    func testTruncatedArchive() {
        let path = fixture("truncated.npz")
        XCTAssertEqual(error { try NumpyArchive(path: path) }, "\(path): not a zip archive (.npz), or truncated")
    }

    func testOtherBadInput() {
        let missing = fixture("missing.npz")
        XCTAssertEqual(error { try NumpyArchive(path: missing) }, "\(missing): no such file")
        let text = fixture("notzip.npz")
        XCTAssertEqual(error { try NumpyArchive(path: text) }, "\(text): not a zip archive (.npz), or truncated")
        let fortran = fixture("fortran.npz")
        XCTAssertEqual(error { try NumpyArchive(path: fortran).array("a") },
                       "\(fortran): member 'a.npy' is stored in Fortran order (shape [2, 3]); save it in C order (numpy.ascontiguousarray)")
        let corrupt = fixture("corrupt.npz")
        XCTAssertEqual(error { try NumpyArchive(path: corrupt).array("a") },
                       "\(corrupt): member 'a.npy' cannot be read (CRC error); damaged archive?")
        let short = fixture("short.npz")
        XCTAssertEqual(error { try NumpyArchive(path: short).array("a") },
                       "\(short): member 'a.npy' is truncated: 60 bytes of data for shape [10] of '<f8' (80 expected)")
        let drift = fixture("drift.npz")
        XCTAssertEqual(error { try NumpyArchive(path: drift).array("x") },
                       "\(drift): no array 'x' (the archive holds 'drift', 'tIndex')")
        let unsorted = fixture("unsorted.npz")
        XCTAssertEqual(error { try PymeDriftFile.read(path: unsorted) },
                       "\(unsorted): member 'tIndex.npy' is not strictly increasing (row 2)")
        let stored = fixture("stored.npz")
        XCTAssertEqual(error { try PymeDriftFile.read(path: stored) },
                       "\(stored): no array 'tIndex' (the archive holds 'f4', 'f8', 'i1', 'i2', 'i4', 'i8', 'u1', 'u2', 'u4', 'u8', 'b1', 'scalar')")
    }

    func testHeaderParsing() throws {
        func npy(_ header: String, _ data: [UInt8]) -> [UInt8] {
            var h = Array(header.utf8)
            while (10 + h.count + 1) % 64 != 0 { h.append(0x20) }
            h.append(0x0A)
            return [0x93] + Array("NUMPY".utf8) + [1, 0, UInt8(h.count & 0xFF), UInt8(h.count >> 8)] + h + data
        }
        // Python 2's long integers and double quotes.
        let a = try NumpyArray.parse(npy: npy("{\"descr\": \"<i2\", \"fortran_order\": False, \"shape\": (2L, 1L), }", [1, 0, 0xFF, 0xFF]), path: "x")
        XCTAssertEqual(a, NumpyArray(shape: [2, 1], values: [1, -1]))
        // Fortran order is the same layout in one dimension.
        let b = try NumpyArray.parse(npy: npy("{'descr': '>u2', 'fortran_order': True, 'shape': (2,), }", [1, 2, 0, 3]), path: "x")
        XCTAssertEqual(b.values, [258, 3])
        XCTAssertEqual(error { try NumpyArray.parse(npy: npy("{'descr': [('a', '<f8')], 'fortran_order': False, 'shape': (1,), }", []), path: "x") },
                       "x: the .npy data has a structured dtype ([('a', '<f8')]), not numeric")
        XCTAssertEqual(error { try NumpyArray.parse(npy: npy("{'descr': '<c16', 'fortran_order': False, 'shape': (1,), }", []), path: "x") },
                       "x: the .npy data has dtype '<c16', which is not read (f4 f8 i1 i2 i4 i8 u1 u2 u4 u8 b1, either byte order)")
        XCTAssertEqual(error { try NumpyArray.parse(npy: Array("not numpy at all".utf8), path: "x") },
                       "x: the .npy data is not a NumPy .npy array (no \\x93NUMPY magic)")
    }

    func testImportedPymeResult() throws {
        let r = try PymeDriftFile.result(path: fixture("drift.npz"), created: "now")
        XCTAssertEqual(r.frames.first, 531)
        XCTAssertEqual(r.frames.last, 29530)
        XCTAssertEqual(r.frames.count, 29530 - 531 + 1)
        XCTAssertEqual(r.segmentCentreFrame.count, 30)
        XCTAssertEqual(r.segmentFirstFrame[0], 531)
        XCTAssertEqual(r.segmentLastFrame[0], 1031)
        XCTAssertEqual(r.segmentFirstFrame[1], 1032)
        XCTAssertEqual(r.segmentLastFrame[29], 29530)
        // The spline passes through the points.
        for (t, d) in zip(r.segmentCentreFrame, r.segmentDrift) {
            let k = Int(t) - 531
            XCTAssertEqual(r.drift[k].x, d.x, accuracy: 1e-9)
            XCTAssertEqual(r.drift[k].y, d.y, accuracy: 1e-9)
        }
        let longer = try PymeDriftFile.result(path: fixture("drift.npz"), frames: 31000, created: "now")
        XCTAssertEqual(longer.frames.first, 0)
        XCTAssertEqual(longer.frames.count, 31000)
        XCTAssertEqual(longer.drift[0], .zero)
        XCTAssertEqual(longer.drift[30999], SIMD3(-889.3139014723554, -1148.0638837627685, 0))
        XCTAssertEqual(longer.segmentFirstFrame[0], 0)
        XCTAssertEqual(longer.segmentLastFrame[29], 30999)
    }

    /// A whole result written by DriftFile reads back the same, attributes and NaN sigmas included;
    /// empty segment and pair tables too.
    func testDriftFileRoundTrip() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        var r = try PymeDriftFile.result(path: fixture("drift.npz"), created: "2024-01-01T00:00:00Z")
        r.attributes["inf"] = .double(.infinity)
        r.attributes["empty"] = .string("")
        r.pairI = [0, 1]
        r.pairJ = [1, -1]
        r.pairShift = [SIMD3(1, 2, 3), SIMD3(-1, 0.5, 0)]
        r.pairWeight = [2, 3]
        r.pairUsed = [1, 0]
        try DriftFile.write(r, to: dir.file("r.h5"))
        let back = try DriftResult.read(path: dir.file("r.h5"))
        XCTAssertEqual(back.frames, r.frames)
        XCTAssertEqual(back.drift, r.drift)
        XCTAssertEqual(back.segmentFirstFrame, r.segmentFirstFrame)
        XCTAssertEqual(back.segmentLastFrame, r.segmentLastFrame)
        XCTAssertEqual(back.segmentCentreFrame, r.segmentCentreFrame)
        XCTAssertEqual(back.segmentCount, r.segmentCount)
        XCTAssertEqual(back.segmentDrift, r.segmentDrift)
        XCTAssertTrue(back.segmentSigma.count == 30 && back.segmentSigma.allSatisfy { $0.x.isNaN && $0.y.isNaN && $0.z.isNaN })
        XCTAssertEqual(back.pairI, r.pairI)
        XCTAssertEqual(back.pairJ, r.pairJ)
        XCTAssertEqual(back.pairShift, r.pairShift)
        XCTAssertEqual(back.pairWeight, r.pairWeight)
        XCTAssertEqual(back.pairUsed, r.pairUsed)
        XCTAssertEqual(back.attributes, r.attributes)

        var empty = DriftResult()
        empty.frames = [5, 6, 7, 10]
        empty.drift = [.zero, SIMD3(1, 2, 3), SIMD3(-1.5, 0, 0.25), SIMD3(4, 4, 4)]
        empty.attributes = ["command": .string("combine"), "source_count": .int(2)]
        try DriftFile.write(empty, to: dir.file("e.h5"))
        XCTAssertEqual(try DriftResult.read(path: dir.file("e.h5")), empty)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted(), ["e.h5", "r.h5"])

        // CSV: a gap in the frames starts a new run of rows.
        XCTAssertEqual(DriftFile.csvText(empty),
                       "frame,dx_nm,dy_nm,dz_nm\n5,0.0000,0.0000,0.0000\n6,1.0000,2.0000,3.0000\n7,-1.5000,0.0000,0.2500\n10,4.0000,4.0000,4.0000\n")

        // Refinement tables cannot be written from a DriftResult; nothing is left behind.
        var fine = empty
        fine.fineCentreFrame = [6]
        fine.fineCorrection = [.zero]
        XCTAssertThrowsError(try DriftFile.write(fine, to: dir.file("f.h5")))
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted(), ["e.h5", "r.h5"])
    }

    func testCombinationHoldsEndsAndBridgesGaps() throws {
        var a = DriftResult(), b = DriftResult()
        a.frames = [0, 1, 2, 4]
        a.drift = [.zero, SIMD3(1, 0, 0), SIMD3(2, 0, 0), SIMD3(4, 0, 0)]
        b.frames = [3, 4, 5]
        b.drift = [SIMD3(0, 1, 0), SIMD3(0, 2, 0), SIMD3(0, 3, 0)]
        let (frames, drift) = try DriftCombination.sum([("a.h5", a), ("b.h5", b)])
        XCTAssertEqual(frames, [0, 1, 2, 3, 4, 5])
        XCTAssertEqual(drift, [SIMD3(0, 1, 0), SIMD3(1, 1, 0), SIMD3(2, 1, 0), SIMD3(3, 1, 0), SIMD3(4, 2, 0), SIMD3(4, 3, 0)])
        let c = try DriftCombination.combine([("a.h5", a), ("b.h5", b)], created: "now")
        XCTAssertEqual(c.attributes["dims"], .int(2))
        XCTAssertNil(c.attributes["frame_base"])
        b.attributes["frame_base"] = .int(1)
        XCTAssertEqual(error { try DriftCombination.combine([("a.h5", a), ("b.h5", b)]) },
                       "b.h5: frame_base 1 differs from a.h5's 0: the curves number frames differently")
        a.attributes["frame_base"] = .int(1)
        XCTAssertEqual(try DriftCombination.combine([("a.h5", a), ("b.h5", b)]).attributes["frame_base"], .int(1))
        b.frames = [3, 3, 5]
        XCTAssertEqual(error { try DriftCombination.sum([("a.h5", a), ("b.h5", b)]) }, "b.h5: /drift/frame is not strictly increasing (row 1)")
    }
}
