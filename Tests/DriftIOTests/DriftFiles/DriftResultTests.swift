import DriftIO
import XCTest

final class DriftResultTests: XCTestCase {
    func testResultWrittenInOnePartReadsBackExactly() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        var part = DriftResultPart(totalFrames: 4, totalSegments: 2, totalPairs: 1)
        part.frames = [10, 11, 12, 13]
        part.drift = [.zero, SIMD3(0.1, 0.2, 0), SIMD3(1.0 / 3, -2, 0), SIMD3(5, 6, 7)]
        part.segmentFirstFrame = [10, 12]
        part.segmentLastFrame = [11, 13]
        part.segmentCentreFrame = [10.5, 12.25]
        part.segmentCount = [100, 90]
        part.segmentDrift = [.zero, SIMD3(1, 2, 3)]
        part.pairI = [0]
        part.pairJ = [1]
        part.pairShift = [SIMD3(1, 2, 3)]
        part.pairWeight = [47.4]
        part.pairUsed = [1]
        let path = dir.file("r.h5")
        try DriftResultWriter.write(part, attributes: [("method", .string("rcc")), ("bin_nm", .double(30)), ("ranks", .int(1))],
                                    to: path, access: .serial)
        let r = try DriftResult.read(path: path)
        XCTAssertEqual(r.frames, part.frames)
        XCTAssertEqual(r.drift, part.drift)
        XCTAssertEqual(r.segmentCentreFrame, part.segmentCentreFrame)
        XCTAssertEqual(r.segmentCount, part.segmentCount)
        XCTAssertEqual(r.segmentDrift, part.segmentDrift)
        XCTAssertEqual(r.pairShift, part.pairShift)
        XCTAssertEqual(r.pairWeight, part.pairWeight)
        XCTAssertEqual(r.pairUsed, [1])
        XCTAssertEqual(r.attributes["method"], .string("rcc"))
        XCTAssertEqual(r.attributes["bin_nm"], .double(30))
        XCTAssertEqual(r.attributes["ranks"], .int(1))
        let file = try HDF5File.openReadOnly(path)
        XCTAssertEqual(try file.dataset("/drift/xyz").shape, [4, 3])
        XCTAssertEqual(try file.dataset("/drift/xyz").stringAttribute("unit"), "nm")
        XCTAssertEqual(try file.dataset("/segments/drift").stringAttribute("unit"), "nm")
    }
}
