@testable import DriftCore
import XCTest

/// The inverse transform made only in the rows and planes a peak can be in (`WindowedInverse`).
final class WindowedInverseTests: XCTestCase {
    /// The whole inverse of the spectrum of a random image and the windowed one, at every value the
    /// windowed one keeps (single precision: they agree to about 1e-7 of the largest value).
    private func kept(width: Int, height: Int, depth: Int, rows: Int, planes: Int) throws -> [(whole: Float, windowed: Float)] {
        var random = SystemRandomNumberGenerator()
        let image = (0..<(width * height * depth)).map { _ in Float.random(in: 0..<1, using: &random) }
        let spectrum = RealFFT(width: width, height: height, depth: depth).forward(image)
        let fill: (UnsafeMutablePointer<Float>) -> Void = { out in
            out.update(from: spectrum.storage, count: 2 * spectrum.complexCount)
        }
        let whole = RealFFT(width: width, height: height, depth: depth).inverse(fill)
        let inverse = try XCTUnwrap(WindowedInverse(width: width, height: height, depth: depth, rows: rows, planes: planes))
        let windowed = inverse.inverse(fill) { Array($0) }
        return whole.indices.filter { i in
            let y = (i / width) % height, z = i / (width * height)
            return (y <= rows || y >= height - rows) && (depth == 1 || z <= planes || z >= depth - planes)
        }.map { (whole[$0], windowed[$0]) }
    }

    func testRowsKeptHoldTheWholeInverse2D() throws {
        let values = try kept(width: 48, height: 40, depth: 1, rows: 3, planes: 0)
        XCTAssertEqual(values.count, 7 * 48)
        let scale = values.map { abs($0.whole) }.max()!
        for v in values { XCTAssertEqual(v.windowed, v.whole, accuracy: 1e-6 * scale) }
    }

    func testRowsAndPlanesKeptHoldTheWholeInverse3D() throws {
        let values = try kept(width: 16, height: 32, depth: 12, rows: 2, planes: 3)
        XCTAssertEqual(values.count, 5 * 7 * 16)
        let scale = values.map { abs($0.whole) }.max()!
        for v in values { XCTAssertEqual(v.windowed, v.whole, accuracy: 1e-6 * scale) }
    }

    func testWindowsNearlyTheWholeGridAreLeftToTheWholeTransform() {
        XCTAssertNil(WindowedInverse(width: 32, height: 32, rows: 4))
        XCTAssertNotNil(WindowedInverse(width: 32, height: 36, rows: 4))
        XCTAssertEqual(WindowedInverse.blocks(count: 10, keep: 2), [0..<3, 8..<10])
        XCTAssertEqual(WindowedInverse.blocks(count: 10, keep: 5), [0..<10])
    }
}
