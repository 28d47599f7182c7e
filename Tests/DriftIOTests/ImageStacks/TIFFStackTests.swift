@testable import DriftIO
import Foundation
import XCTest

/// TIFF stacks through libtiff. The fixtures in Tests/Fixtures/images were written by tifffile
/// (make_tiff_fixtures.py there, which documents each file); the pixel patterns below are that
/// script's, so every expected value is computed here from (t, z, y, x).
final class TIFFStackTests: XCTestCase {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
        .appendingPathComponent("Fixtures/images").path

    func fixture(_ name: String) -> String { Self.fixtures + "/" + name }

    // The fixture script's patterns.
    static func pattern8(_ t: Int, _ y: Int, _ x: Int) -> Float { Float((t * 100 + y * 2 + x) % 256) }
    static func pattern16(_ t: Int, _ y: Int, _ x: Int) -> Float { Float((t * 20000 + y * 300 + x * 7) % 65536) }
    static func patternF(_ t: Int, _ y: Int, _ x: Int) -> Float {
        Float(Double(t * 100 + y * 2) + Double(x) * 0.25 - 300.5)
    }
    static func patternI16(_ t: Int, _ y: Int, _ x: Int) -> Float { Float(t * 1000 - y * 300 - x) }
    static func patternD(_ t: Int, _ y: Int, _ x: Int) -> Float { Float(Double(t) + Double(y) * 0.125 + Double(x) * 0.001) }
    static func patternTZ(_ t: Int, _ z: Int, _ y: Int, _ x: Int) -> Float { Float(t * 1000 + z * 100 + y * 2 + x) }

    /// Checks every value of time points `range` against `pattern(t, z, y, x)`.
    func assertValues(_ stack: TIFFStack, _ range: Range<Int>, file: StaticString = #filePath, line: UInt = #line,
                      _ pattern: (Int, Int, Int, Int) -> Float) throws {
        let values = try stack.read(timePoints: range)
        XCTAssertEqual(values.count, range.count * stack.depth * stack.height * stack.width, file: file, line: line)
        var i = 0, wrong = 0
        for t in range {
            for z in 0..<stack.depth {
                for y in 0..<stack.height {
                    for x in 0..<stack.width {
                        let expected = pattern(t, z, y, x)
                        if values[i] != expected {
                            if wrong < 5 { XCTFail("t \(t) z \(z) y \(y) x \(x): \(values[i]) != \(expected)", file: file, line: line) }
                            wrong += 1
                        }
                        i += 1
                    }
                }
            }
        }
    }

    func assertError(_ body: @autoclosure () throws -> Any, _ expected: String,
                     file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try body(), file: file, line: line) { error in
            XCTAssertEqual("\(error)", expected, file: file, line: line)
        }
    }

    func assertError(_ body: @autoclosure () throws -> Any, startingWith prefix: String, containing part: String,
                     file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try body(), file: file, line: line) { error in
            let text = "\(error)"
            XCTAssertTrue(text.hasPrefix(prefix) && text.contains(part), text, file: file, line: line)
        }
    }

    // MARK: Plain stacks

    func testPlainUInt8Stack() throws {
        let s = try TIFFStack(path: fixture("plain_uint8.tif"))
        XCTAssertEqual(s.formatName, "tiff")
        XCTAssertEqual(s.layout, .plain)
        XCTAssertEqual([s.timePoints, s.depth, s.height, s.width, s.pageCount], [5, 1, 24, 32, 5])
        XCTAssertEqual(s.sampleType, .uint8)
        XCTAssertNil(s.voxelSizeNm)
        XCTAssertFalse(s.isBigTIFF)
        XCTAssertEqual(s.voxelsPerTimePoint, 768)
        try assertValues(s, 0..<5) { t, _, y, x in Self.pattern8(t, y, x) }
        // Chosen pixels, by hand: t 3, y 23, x 31 is (300 + 46 + 31) mod 256 = 121; t 1, y 0, x 5 is 105.
        let t3 = try s.read(timePoints: 3..<4)
        XCTAssertEqual(t3[23 * 32 + 31], 121)
        XCTAssertEqual(try s.read(timePoints: 1..<2)[5], 105)
        // Backwards and repeated seeks through the cached handle.
        try assertValues(s, 4..<5) { t, _, y, x in Self.pattern8(t, y, x) }
        try assertValues(s, 0..<2) { t, _, y, x in Self.pattern8(t, y, x) }
        XCTAssertEqual(try s.read(timePoints: 2..<2), [])
    }

    func testPlainUInt16AndFloatStacks() throws {
        let u16 = try TIFFStack(path: fixture("plain_uint16.tif"))
        XCTAssertEqual(u16.sampleType, .uint16)
        XCTAssertEqual([u16.timePoints, u16.depth, u16.height, u16.width], [5, 1, 24, 32])
        try assertValues(u16, 0..<5) { t, _, y, x in Self.pattern16(t, y, x) }
        // t 4, y 10, x 3: (80000 + 3000 + 21) mod 65536 = 17485; t 3, y 0, x 0: 60000.
        XCTAssertEqual(try u16.read(timePoints: 4..<5)[10 * 32 + 3], 17485)
        XCTAssertEqual(try u16.read(timePoints: 3..<4)[0], 60000)

        let f32 = try TIFFStack(path: fixture("plain_float32.tif"))
        XCTAssertEqual(f32.sampleType, .float32)
        XCTAssertEqual(f32.timePoints, 5)
        try assertValues(f32, 1..<4) { t, _, y, x in Self.patternF(t, y, x) }
        XCTAssertEqual(try f32.read(timePoints: 0..<1)[1], -300.25)  // t 0, y 0, x 1
        XCTAssertEqual(try f32.read(timePoints: 2..<3)[23 * 32 + 31], -46.75)  // 200 + 46 + 7.75 - 300.5

        let f64 = try TIFFStack(path: fixture("plain_float64.tif"))
        XCTAssertEqual(f64.sampleType, .float64)
        XCTAssertEqual([f64.timePoints, f64.depth, f64.height, f64.width], [3, 1, 6, 5])
        try assertValues(f64, 0..<3) { t, _, y, x in Self.patternD(t, y, x) }
        XCTAssertEqual(try f64.read(timePoints: 2..<3)[5 * 5 + 4], Float(2.629))
    }

    func testBigTIFFInt16() throws {
        let s = try TIFFStack(path: fixture("bigtiff_int16.tif"))
        XCTAssertTrue(s.isBigTIFF)
        XCTAssertEqual(s.sampleType, .int16)
        XCTAssertEqual([s.timePoints, s.depth, s.height, s.width], [3, 1, 24, 32])
        try assertValues(s, 0..<3) { t, _, y, x in Self.patternI16(t, y, x) }
        XCTAssertEqual(try s.read(timePoints: 0..<1)[23 * 32 + 31], -6931)
    }

    func testCompressedStripsAndTiles() throws {
        // Deflate with the horizontal predictor, 5 rows per strip (the last strip has 4).
        let deflate = try TIFFStack(path: fixture("deflate_uint16.tif"))
        XCTAssertEqual(deflate.sampleType, .uint16)
        try assertValues(deflate, 0..<5) { t, _, y, x in Self.pattern16(t, y, x) }
        XCTAssertEqual(try deflate.read(timePoints: 4..<5)[10 * 32 + 3], 17485)

        // Deflate, 16 x 16 tiles on a 24 x 32 page: the second tile row is half padding.
        let tiled = try TIFFStack(path: fixture("tiled_float32.tif"))
        XCTAssertEqual(tiled.sampleType, .float32)
        XCTAssertEqual([tiled.timePoints, tiled.height, tiled.width], [5, 24, 32])
        try assertValues(tiled, 0..<5) { t, _, y, x in Self.patternF(t, y, x) }
        XCTAssertEqual(try tiled.read(timePoints: 2..<3)[23 * 32 + 31], -46.75)
    }

    // MARK: ImageJ and OME layouts

    func testImageJHyperstack() throws {
        let s = try TIFFStack(path: fixture("imagej_hyperstack.tif"))
        XCTAssertEqual(s.layout, .imageJ)
        XCTAssertEqual([s.timePoints, s.depth, s.height, s.width, s.pageCount], [3, 4, 24, 32, 12])
        XCTAssertEqual(s.sampleType, .uint16)
        // 10 pixels per um -> 100 nm; spacing 0.25 um -> 250 nm.
        XCTAssertEqual(s.voxelSizeNm, SIMD3(100, 100, 250))
        XCTAssertEqual(s.page(timePoint: 2, z: 1), 9)  // slice fastest, then frame
        try assertValues(s, 0..<3) { t, z, y, x in Self.patternTZ(t, z, y, x) }
        let t2 = try s.read(timePoints: 2..<3)
        XCTAssertEqual(t2[(3 * 24 + 5) * 32 + 7], 2317)  // t 2, z 3, y 5, x 7
    }

    func testImageJSlicesWithoutFramesAreTimePoints() throws {
        let s = try TIFFStack(path: fixture("imagej_slices.tif"))  // images=5, slices=5, no frames=
        XCTAssertEqual(s.layout, .imageJ)
        XCTAssertEqual([s.timePoints, s.depth], [5, 1])
        XCTAssertNil(s.voxelSizeNm)  // no unit=
        try assertValues(s, 0..<5) { t, _, y, x in Self.pattern8(t, y, x) }
    }

    func testOMETIFFDimensionOrders() throws {
        let tz = try TIFFStack(path: fixture("ome_tzyx.tif"))  // XYCZT, sizes in the default um
        XCTAssertEqual(tz.layout, .ome)
        XCTAssertEqual([tz.timePoints, tz.depth, tz.height, tz.width, tz.pageCount], [3, 2, 24, 32, 6])
        XCTAssertEqual(tz.sampleType, .uint16)
        let v = try XCTUnwrap(tz.voxelSizeNm)
        XCTAssertEqual(v.x, 65, accuracy: 1e-9)
        XCTAssertEqual(v.y, 65, accuracy: 1e-9)
        XCTAssertEqual(v.z, 300, accuracy: 1e-9)
        XCTAssertEqual(tz.page(timePoint: 1, z: 1), 3)
        try assertValues(tz, 0..<3) { t, z, y, x in Self.patternTZ(t, z, y, x) }

        let zt = try TIFFStack(path: fixture("ome_ztyx.tif"))  // XYCTZ: t fastest; sizes in nm
        XCTAssertEqual([zt.timePoints, zt.depth], [3, 2])
        XCTAssertEqual(zt.voxelSizeNm, SIMD3(65, 65, 300))
        XCTAssertEqual(zt.page(timePoint: 1, z: 1), 4)
        XCTAssertEqual(zt.page(timePoint: 2, z: 0), 2)
        try assertValues(zt, 0..<3) { t, z, y, x in Self.patternTZ(t, z, y, x) }
        try assertValues(zt, 2..<3) { t, z, y, x in Self.patternTZ(t, z, y, x) }
        XCTAssertEqual(try zt.read(timePoints: 1..<2)[(1 * 24 + 2) * 32 + 3], 1107)  // t 1, z 1, y 2, x 3
    }

    // MARK: Errors

    func testRefusedFiles() {
        assertError(try TIFFStack(path: fixture("absent.tif")), "\(fixture("absent.tif")): no such file")
        assertError(try TIFFStack(path: fixture("not_a_tiff.tif")), "\(fixture("not_a_tiff.tif")): not a TIFF file")
        assertError(try TIFFStack(path: fixture("rgb.tif")), "\(fixture("rgb.tif")): page 0: 3 samples per pixel "
            + "(RGB or multi-channel pixels); only one sample per pixel (grayscale) is supported")
        assertError(try TIFFStack(path: fixture("plain_int8.tif")), "\(fixture("plain_int8.tif")): page 0: 8-bit "
            + "signed integer samples are not supported (uint8, uint16, int16, uint32, int32, float32, float64 are)")
        assertError(try TIFFStack(path: fixture("mixed_sizes.tif")), "\(fixture("mixed_sizes.tif")): page 2: "
            + "16 x 16 uint16, but page 0 is 32 x 24 uint16; all pages must share size and sample type")
        assertError(try TIFFStack(path: fixture("imagej_channels.tif")), "\(fixture("imagej_channels.tif")): "
            + "ImageJ hyperstack with 2 channels; only single-channel stacks are supported")
        assertError(try TIFFStack(path: fixture("ome_channels.tif")), "\(fixture("ome_channels.tif")): "
            + "OME-TIFF with SizeC=2 channels; only single-channel stacks are supported")
    }

    func testTruncatedFiles() throws {
        // The directory chain breaks after page 0 (tifffile wrote directories 1-4 after the data).
        assertError(try TIFFStack(path: fixture("truncated_ifd.tif")),
                    startingWith: "\(fixture("truncated_ifd.tif")): truncated or damaged after page 0: the "
                        + "directory of page 1 cannot be read (libtiff: ", containing: ")")
        // Every directory is intact, the last page's strip is cut: pages 0 and 1 read, page 2 does not.
        let s = try TIFFStack(path: fixture("truncated_data.tif"))
        XCTAssertEqual(s.timePoints, 3)
        try assertValues(s, 0..<2) { t, _, y, x in Self.pattern16(t, y, x) }
        assertError(try s.read(timePoints: 1..<3),
                    startingWith: "\(fixture("truncated_data.tif")): page 2: cannot read strip 0 (libtiff: ",
                    containing: "Read error")
        try assertValues(s, 1..<2) { t, _, y, x in Self.pattern16(t, y, x) }  // still usable
    }

    func testReadOutsideTheStack() throws {
        let s = try TIFFStack(path: fixture("plain_uint8.tif"))
        assertError(try s.read(timePoints: 4..<6), "\(fixture("plain_uint8.tif")): time points 4..<6 are outside 0..<5")
    }

    // MARK: Writer

    /// What the writer stores for `v` in an integer type: round half away from zero, clip, NaN -> 0.
    static func stored(_ v: Float, _ type: ImageSampleType) -> Float {
        guard let range = type.range else { return v }
        if v.isNaN { return 0 }
        return Float(min(max(Double(v).rounded(.toNearestOrAwayFromZero), range.lowerBound), range.upperBound))
    }

    /// ImageJ reads a stack from page 0's data offset as one block: the planes must follow each other.
    func assertContiguous(_ s: TIFFStack, file: StaticString = #filePath, line: UInt = #line) throws {
        let strips = try s.firstStrips()
        let plane = UInt64(s.width * s.height * s.sampleType.size)
        XCTAssertEqual(strips.map(\.bytes), Array(repeating: plane, count: s.pageCount), file: file, line: line)
        XCTAssertEqual(strips.map(\.offset), (0..<UInt64(s.pageCount)).map { strips[0].offset + $0 * plane },
                       file: file, line: line)
    }

    func testWriterUInt16InTwoAppendingSessions() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let path = dir.file("stack.tif")
        let (w, h, d, T) = (5, 3, 2, 4)
        let special: [Float] = [-2.5, -0.4, 0.5, 1.4999, 2.5, 65534.5, 65535.4, 65535.5, 70000, .nan, .infinity, -.infinity]
        func timePoint(_ t: Int) -> [Float] {
            (0..<(d * h * w)).map { i in t == 1 && i < special.count ? special[i] : Float(t * 1000 + i) + 0.25 }
        }
        let voxel = SIMD3<Double>(108, 108, 250)

        let first = try TIFFStackWriter(path: path, width: w, height: h, depth: d, timePoints: T,
                                        sampleType: .uint16, voxelSizeNm: voxel)
        XCTAssertFalse(first.isBigTIFF)
        try first.append(timePoint: timePoint(0))
        try first.append(timePoint: timePoint(1))
        XCTAssertEqual(first.timePointsWritten, 2)
        try first.close()
        try first.close()  // a second close does nothing
        assertError(try first.append(timePoint: timePoint(2)), "\(path): the TIFF writer is closed")
        // Half written: all 8 directories are there, the last 4 without data.
        let half = try TIFFStack(path: path)
        XCTAssertEqual([half.timePoints, half.depth, half.pageCount], [4, 2, 8])
        XCTAssertEqual(try half.read(timePoints: 0..<2), (0..<2).flatMap { timePoint($0).map { Self.stored($0, .uint16) } })
        assertError(try half.read(timePoints: 1..<3), "\(path): page 4: holds no pixel data (an incomplete file?)")

        let second = try TIFFStackWriter(path: path, width: w, height: h, depth: d, timePoints: T,
                                         sampleType: .uint16, voxelSizeNm: voxel, append: true)
        XCTAssertEqual(second.timePointsWritten, 2)
        assertError(try second.append(timePoint: [1, 2]), "\(path): a time point needs 30 values (2 x 3 x 5), got 2")
        try second.append(timePoint: timePoint(2))
        try second.append(timePoint: timePoint(3))
        assertError(try second.append(timePoint: timePoint(3)), "\(path): all 4 time points are already written")
        try second.close()

        let s = try TIFFStack(path: path)
        XCTAssertEqual(s.layout, .imageJ)
        XCTAssertEqual([s.timePoints, s.depth, s.height, s.width, s.pageCount], [4, 2, 3, 5, 8])
        XCTAssertEqual(s.sampleType, .uint16)
        let v = try XCTUnwrap(s.voxelSizeNm)  // XResolution is kept as a 32-bit float by libtiff
        XCTAssertEqual(v.x, 108, accuracy: 1e-4)
        XCTAssertEqual(v.y, 108, accuracy: 1e-4)
        XCTAssertEqual(v.z, 250, accuracy: 1e-9)
        let all = try s.read(timePoints: 0..<4)
        XCTAssertEqual(all, (0..<4).flatMap { timePoint($0).map { Self.stored($0, .uint16) } })
        try assertContiguous(s)
        // The rounding and clipping, by hand.
        XCTAssertEqual(Array(all[30..<42]), [0, 0, 1, 1, 3, 65535, 65535, 65535, 65535, 0, 65535, 0])
        XCTAssertEqual(all[0], 0)       // 0.25
        XCTAssertEqual(all[119], 3029)  // t 3, i 29: 3029.25
        XCTAssertEqual(try s.read(timePoints: 2..<3)[13], 2013)

        // Appending to a finished file, or as a different stack, is refused.
        assertError(try TIFFStackWriter(path: path, width: w, height: h, depth: d, timePoints: T, sampleType: .uint16,
                                        voxelSizeNm: voxel, append: true),
                    "\(path): cannot append: all 4 time points are already written")
        assertError(try TIFFStackWriter(path: path, width: w, height: h, depth: d, timePoints: 5, sampleType: .uint16,
                                        voxelSizeNm: voxel, append: true),
                    "\(path): cannot append: the file is not a TIFF stack of 5 time points x 2 slices started by this writer")
        assertError(try TIFFStackWriter(path: path, width: w, height: h, depth: d, timePoints: T, sampleType: .float32,
                                        voxelSizeNm: voxel, append: true),
                    "\(path): cannot append: page 0 is not 5 x 3 float32")
        assertError(try TIFFStackWriter(path: dir.file("none.tif"), width: w, height: h, depth: d, timePoints: T,
                                        sampleType: .uint16, voxelSizeNm: nil, append: true),
                    "\(dir.file("none.tif")): no such file")
        assertError(try TIFFStackWriter(path: dir.file("no/dir.tif"), width: w, height: h, depth: d, timePoints: T,
                                        sampleType: .uint16, voxelSizeNm: nil),
                    "\(dir.file("no/dir.tif")): cannot create the file (No such file or directory)")
    }

    func testWriterFloat32BigTIFFInTwoSessions() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let path = dir.file("float.tif")
        let (w, h, T) = (7, 4, 3)
        func timePoint(_ t: Int) -> [Float] { (0..<(h * w)).map { Float(t) * -1.5e5 + Float($0) * 0.1 + 1e-7 } }
        let a = try TIFFStackWriter(path: path, width: w, height: h, depth: 1, timePoints: T, sampleType: .float32,
                                    voxelSizeNm: nil, bigTIFF: true)
        XCTAssertTrue(a.isBigTIFF)
        try a.append(timePoint: timePoint(0))
        try a.close()
        assertError(try TIFFStackWriter(path: path, width: w, height: h, depth: 1, timePoints: T, sampleType: .float32,
                                        voxelSizeNm: nil, bigTIFF: false, append: true),
                    "\(path): is a BigTIFF file, but bigTIFF: false was asked")
        let b = try TIFFStackWriter(path: path, width: w, height: h, depth: 1, timePoints: T, sampleType: .float32,
                                    voxelSizeNm: nil, append: true)
        XCTAssertTrue(b.isBigTIFF)
        try b.append(timePoint: timePoint(1))
        try b.append(timePoint: timePoint(2))
        try b.close()

        let s = try TIFFStack(path: path)
        XCTAssertTrue(s.isBigTIFF)
        XCTAssertEqual(s.layout, .imageJ)
        XCTAssertEqual([s.timePoints, s.depth, s.height, s.width], [3, 1, 4, 7])
        XCTAssertEqual(s.sampleType, .float32)
        XCTAssertNil(s.voxelSizeNm)
        XCTAssertEqual(try s.read(timePoints: 0..<3), (0..<3).flatMap(timePoint))
        try assertContiguous(s)
        XCTAssertEqual(try s.read(timePoints: 1..<2)[27], timePoint(1)[27])
    }

    func testWriterLargePlanes() throws {
        // 100 x 90 float32 planes (36 KB): libtiff reads such a single uncompressed strip in ~8 KB pieces.
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let path = dir.file("large.tif")
        let (w, h, d) = (100, 90, 2)
        func timePoint(_ t: Int) -> [Float] { (0..<(w * h * d)).map { Float(t * 100_000 + $0) * 0.5 } }
        for session in 0..<2 {
            let writer = try TIFFStackWriter(path: path, width: w, height: h, depth: d, timePoints: 2, sampleType: .float32,
                                             voxelSizeNm: SIMD3(100, 100, 300), append: session == 1)
            try writer.append(timePoint: timePoint(session))
            try writer.close()
        }
        let s = try TIFFStack(path: path)
        XCTAssertEqual([s.timePoints, s.depth, s.height, s.width], [2, 2, 90, 100])
        XCTAssertEqual(try s.read(timePoints: 0..<2), timePoint(0) + timePoint(1))
        XCTAssertEqual(try s.read(timePoints: 1..<2)[w * h + 89 * w + 99], Float(100_000 + 2 * w * h - 1) * 0.5)
        let strips = try s.firstStrips()
        XCTAssertEqual(strips.map { $0.offset - strips[0].offset }, (0..<4).map { UInt64($0 * w * h * 4) })
    }

    func testWriterEverySampleType() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let values: [Float] = [-40000.5, -129, -2.5, -1.5, -0.5, 0, 0.5, 1.49, 2.5, 127.5, 255.5, 32767.5, 65535.5,
                               3e9, 5e9, 1.25e-3]
        for type in ImageSampleType.allCases {
            let path = dir.file("\(type.rawValue).tif")
            let writer = try TIFFStackWriter(path: path, width: 4, height: 2, depth: 2, timePoints: 1, sampleType: type,
                                             voxelSizeNm: SIMD3(65, 70, 0))
            try writer.append(timePoint: values)
            try writer.close()
            let s = try TIFFStack(path: path)
            XCTAssertEqual(s.sampleType, type)
            XCTAssertEqual([s.timePoints, s.depth, s.height, s.width], [1, 2, 2, 4])
            XCTAssertEqual(try s.read(timePoints: 0..<1), values.map { Self.stored($0, type) }, type.rawValue)
            XCTAssertEqual(s.voxelSizeNm?.x ?? 0, 65, accuracy: 1e-4)
            XCTAssertEqual(s.voxelSizeNm?.y ?? 0, 70, accuracy: 1e-4)
            XCTAssertEqual(s.voxelSizeNm?.z, 0)  // no spacing= is written for a z step of 0
        }
        // By hand: int16 rounds -2.5 to -3 and -0.5 to -1; uint8 clips.
        XCTAssertEqual(Array(try TIFFStack(path: dir.file("int16.tif")).read(timePoints: 0..<1)[0..<5]),
                       [-32768, -129, -3, -2, -1])
        XCTAssertEqual(Array(try TIFFStack(path: dir.file("uint8.tif")).read(timePoints: 0..<1)[8..<12]),
                       [3, 128, 255, 255])
        XCTAssertEqual(TIFFStackWriter.imageJDescription(depth: 4, timePoints: 3, voxelSizeNm: SIMD3(100, 100, 250)),
                       "ImageJ=1.11a\nimages=12\nslices=4\nframes=3\nhyperstack=true\nunit=micron\nspacing=0.25\n")
    }
}
