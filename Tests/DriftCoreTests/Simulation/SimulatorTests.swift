import DriftCore
import XCTest

final class SimulatorTests: XCTestCase {
    func small(seed: UInt64 = 5, threeD: Bool = false) -> SimulationParameters {
        .small(seed: seed, threeD: threeD)
    }

    func testSameSeedSameData() {
        let a = Simulator.run(small()), b = Simulator.run(small())
        XCTAssertEqual(a.frame, b.frame)
        XCTAssertEqual(a.x, b.x)
        XCTAssertNotEqual(Simulator.run(small(seed: 6)).x, a.x)
    }

    func testDataLookLikeSMLM() {
        let a = Simulator.run(small())
        XCTAssertGreaterThan(a.count, 10_000)
        XCTAssertEqual(a.frame, a.frame.sorted(), "rows sorted by frame")
        let lp = a.precision.sorted()
        XCTAssertGreaterThan(lp[lp.count / 2], 5)
        XCTAssertLessThan(lp[lp.count / 2], 15)
        let field = Float(256 * 130)
        XCTAssertTrue(a.x.allSatisfy { $0 > -500 && $0 < field + 500 })
    }

    func testDriftHasTheRequestedSizeAndStartsAtZero() {
        let a = Simulator.run(small())
        XCTAssertEqual(a.drift.count, 4000)
        XCTAssertEqual(a.drift[0], .zero)
        let largest = a.drift.map { ($0.x * $0.x + $0.y * $0.y).squareRoot() }.max()!
        XCTAssertEqual(largest, 300, accuracy: 1e-6)
        XCTAssertTrue(a.drift.allSatisfy { $0.z == 0 })
        let z = Simulator.run(small(threeD: true)).drift.map { abs($0.z) }.max()!
        XCTAssertGreaterThan(z, 20)
    }
}
