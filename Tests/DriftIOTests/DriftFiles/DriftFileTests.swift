import DriftCore
@testable import DriftIO
import Foundation
import XCTest

/// Result files written by DriftFile (HDF5, and CSV text).
final class DriftFileTests: XCTestCase {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Fixtures/pyme").path

    func fixture(_ name: String) -> String { Self.fixtures + "/" + name }

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
}
