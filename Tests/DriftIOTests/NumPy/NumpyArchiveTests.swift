import DriftCore
@testable import DriftIO
import Foundation
import XCTest

/// NumPy `.npz` archives through libzip and the `.npy` arrays inside. The fixtures are in
/// Tests/Fixtures/pyme: drift.npz is a real PYME drift file (deflated, written by Python 2's NumPy);
/// the others come from make_npz.py there. Expected numbers are NumPy's (`numpy.load`).
final class NumpyArchiveTests: XCTestCase {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Fixtures/pyme").path

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
        // Points whose spline would overflow (found by fuzz.sh): errors, not a trap.
        let huge = fixture("huge.npz")
        XCTAssertEqual(error { try PymeDriftFile.result(path: huge) },
                       "\(huge): member 'drift.npy' has drift -1e+308 nm (row 0), beyond ±1 m")
        let close = fixture("close.npz")
        XCTAssertEqual(error { try PymeDriftFile.result(path: close) },
                       "\(close): member 'tIndex.npy' has frames 0.0 and 1e-300 (rows 0, 1) closer than 1e-06")
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
        // A shape whose bytes overflow a count (found by fuzz.sh): an error, not a trap.
        XCTAssertEqual(error { try NumpyArray.parse(npy: npy("{'descr': '<f8', 'fortran_order': False, 'shape': (9223372036854775807,), }", [0, 0]), path: "x") },
                       "x: the .npy data has an impossible shape [9223372036854775807] for '<f8'")
    }
}
