import DriftCore
import DriftIO
import Foundation
import XCTest

final class PYMEImageWriterTests: XCTestCase {
    var dir: TemporaryDirectory!
    override func setUp() { dir = TemporaryDirectory() }
    override func tearDown() { dir.remove() }

    /// A stack whose every value tells where it is: t * 100000 + z * 10000 + y * 100 + x.
    func labelled(timePoints: Int, depth: Int, width: Int, height: Int) -> SimulatedStack {
        let frames = (0..<timePoints).map { t in
            (0..<(depth * height * width)).map { i -> Float in
                let x = i % width, y = (i / width) % height, z = i / (width * height)
                return Float(t * 100_000 + z * 10_000 + y * 100 + x)
            }
        }
        var p = StackParameters()
        p.frames = timePoints
        p.width = width
        p.height = height
        p.zSlices = depth > 1 ? depth : 0
        return SimulatedStack(parameters: p, frames: frames,
                              drift: [SIMD3<Double>](repeating: .zero, count: timePoints), sites: [],
                              width: width, height: height, depth: depth, voxelSizeNm: SIMD3(100, 100, 150))
    }

    func testImageDataIsTimeXYWithYFastest() throws {
        let s = labelled(timePoints: 3, depth: 1, width: 7, height: 5)
        let path = dir.file("stack.h5")
        try PYMEImageWriter.write(s, to: path)
        let file = try HDF5File.openReadOnly(path)
        let data = try file.dataset("/ImageData")
        XCTAssertEqual(data.shape, [3, 7, 5], "(N, X, Y)")
        let values = try data.read(as: Float.self)
        for t in 0..<3 {
            for x in 0..<7 {
                for y in 0..<5 {
                    XCTAssertEqual(values[(t * 7 + x) * 5 + y], s.frames[t][y * 7 + x])
                }
            }
        }
        // One row at a time reads the same.
        XCTAssertEqual(try data.read(rows: 2..<3, as: Float.self), Array(values[70..<105]))
        XCTAssertEqual(try file.int64Attribute("SizeZ", on: "/MetaData"), 1)
        XCTAssertEqual(try file.int64Attribute("SizeT", on: "/MetaData"), 3)
        XCTAssertEqual(try file.int64Attribute("SizeC", on: "/MetaData"), 1)
        XCTAssertEqual(try file.int64Attribute("SizeZ", on: "/ImageData"), 1)
        XCTAssertEqual(try file.int64Attribute("SizeT", on: "/ImageData"), 3)
        XCTAssertEqual(try file.stringAttribute("DimOrder", on: "/ImageData"), "XYZTC")
        XCTAssertEqual(try file.stringAttribute("CLASS", on: "/ImageData"), "EARRAY")
        XCTAssertEqual(try file.doubleAttribute("x", on: "/MetaData/voxelsize")!, 0.1, accuracy: 1e-12)
        XCTAssertEqual(try file.doubleAttribute("y", on: "/MetaData/voxelsize")!, 0.1, accuracy: 1e-12)
        XCTAssertEqual(try file.doubleAttribute("z", on: "/MetaData/voxelsize")!, 0.15, accuracy: 1e-12)
        XCTAssertEqual(try file.stringAttribute("units", on: "/MetaData/voxelsize"), "um")
    }

    func testZStacksAreStoredWithZFastest() throws {
        let s = labelled(timePoints: 2, depth: 3, width: 6, height: 4)
        let path = dir.file("zstack.h5")
        try PYMEImageWriter.write(s, to: path)
        let file = try HDF5File.openReadOnly(path)
        let data = try file.dataset("/ImageData")
        XCTAssertEqual(data.shape, [6, 6, 4])
        let values = try data.read(as: Float.self)
        for t in 0..<2 {
            for z in 0..<3 {
                let n = t * 3 + z
                for x in 0..<6 {
                    for y in 0..<4 {
                        XCTAssertEqual(values[(n * 6 + x) * 4 + y], s.frames[t][(z * 4 + y) * 6 + x])
                        XCTAssertEqual(values[(n * 6 + x) * 4 + y], Float(t * 100_000 + z * 10_000 + y * 100 + x))
                    }
                }
            }
        }
        XCTAssertEqual(try file.int64Attribute("SizeZ", on: "/MetaData"), 3)
        XCTAssertEqual(try file.int64Attribute("SizeT", on: "/MetaData"), 2)
        XCTAssertEqual(try file.int64Attribute("SizeZ", on: "/ImageData"), 3)
        XCTAssertEqual(try file.int64Attribute("SizeT", on: "/ImageData"), 2)
    }

    func testSimulatedStackRoundTrips() throws {
        var p = StackParameters()
        p.frames = 3
        p.width = 40
        p.height = 32
        p.sites = 50
        let s = StackSimulator.run(p)
        let path = dir.file("sim.h5")
        try PYMEImageWriter.write(s, to: path)
        let values = try HDF5File.openReadOnly(path).dataset("/ImageData").read(as: Float.self)
        for t in 0..<3 {
            for x in 0..<40 {
                for y in 0..<32 { XCTAssertEqual(values[(t * 40 + x) * 32 + y], s.frames[t][y * 40 + x]) }
            }
        }
    }

    func testAFailedWriteLeavesNothing() throws {
        let path = dir.file("bad.h5")
        XCTAssertThrowsError(try PYMEImageWriter.write(to: path, width: 4, height: 4, depth: 1, timePoints: 3,
                                                       voxelSizeNm: SIMD3(100, 100, 100)) { append in
            try append([Float](repeating: 1, count: 16))
        })
        XCTAssertThrowsError(try PYMEImageWriter.write(to: path, width: 4, height: 4, depth: 1, timePoints: 1,
                                                       voxelSizeNm: SIMD3(100, 100, 100)) { append in
            try append([Float](repeating: 1, count: 15))
        })
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.path), [])
    }
}
