@testable import DriftIO
import DriftTestSupport
import XCTest

/// `--fiducials FILE`: Picasso pick files (camera pixels) and CSVs of x, y, radius (nm).
final class FiducialRegionsTests: XCTestCase {
    var dir: TemporaryDirectory!

    override func setUp() { dir = TemporaryDirectory("regions") }

    override func tearDown() { dir.remove() }

    func testPicassoPicksAreScaledByThePixelSize() throws {
        let yaml = "Centers:\n- - 10.5\n  - 20.0\n- - 3\n  - 4\nDiameter: 2.0\nShape: Circle\n"
        try yaml.write(toFile: dir.file("picks.yaml"), atomically: true, encoding: .utf8)
        let r = try FiducialRegions.read(path: dir.file("picks.yaml"), pixelSizeNm: 130)
        XCTAssertEqual(r.centres, [SIMD2(1365, 2600), SIMD2(390, 520)])
        XCTAssertEqual(r.radii, [130, 130])
        XCTAssertThrowsError(try FiducialRegions.read(path: dir.file("picks.yaml"), pixelSizeNm: nil)) { e in
            XCTAssertTrue("\(e)".hasSuffix("its picks are in camera pixels and the localisations' pixel size is not known"), "\(e)")
        }
        try "Centers:\n- [1, 2]\nDiameter: 1\nShape: Rectangle\n".write(toFile: dir.file("rect.yaml"), atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try FiducialRegions.read(path: dir.file("rect.yaml"), pixelSizeNm: 100))
        try "Diameter: 1\n".write(toFile: dir.file("none.yaml"), atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try FiducialRegions.read(path: dir.file("none.yaml"), pixelSizeNm: 100))
    }

    func testCSVRegionsInNanometres() throws {
        try "x,y,radius\n1000, 2000, 150\n3000,4000,200\n".write(toFile: dir.file("r.csv"), atomically: true, encoding: .utf8)
        let r = try FiducialRegions.read(path: dir.file("r.csv"), pixelSizeNm: nil)
        XCTAssertEqual(r.centres, [SIMD2(1000, 2000), SIMD2(3000, 4000)])
        XCTAssertEqual(r.radii, [150, 200])
        try "1000,2000,150\n5,6\n".write(toFile: dir.file("bad.csv"), atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try FiducialRegions.read(path: dir.file("bad.csv"), pixelSizeNm: nil)) { e in
            XCTAssertTrue("\(e)".hasSuffix("line 2 is not x, y, radius (nm, radius > 0)"), "\(e)")
        }
        XCTAssertThrowsError(try FiducialRegions.read(path: dir.file("missing.csv"), pixelSizeNm: nil))
    }
}
