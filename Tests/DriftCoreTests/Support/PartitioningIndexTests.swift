@testable import DriftCore
import XCTest

/// The binary search every sorted lookup of DriftCore and DriftIO uses.
final class PartitioningIndexTests: XCTestCase {
    func testLowerAndUpperBoundsOnSortedValues() {
        let v = [1, 3, 3, 3, 7, 9]
        XCTAssertEqual(v.partitioningIndex { $0 >= 3 }, 1)
        XCTAssertEqual(v.partitioningIndex { $0 > 3 }, 4)
        XCTAssertEqual(v.partitioningIndex { $0 >= 0 }, 0)
        XCTAssertEqual(v.partitioningIndex { $0 > 9 }, v.endIndex)
        XCTAssertEqual([Int]().partitioningIndex { $0 > 0 }, 0)
        // Every position against a linear scan.
        let sorted = (0..<50).map { $0 / 3 }
        for x in -1...18 {
            XCTAssertEqual(sorted.partitioningIndex { $0 >= x }, sorted.firstIndex { $0 >= x } ?? sorted.endIndex)
            XCTAssertEqual(sorted.partitioningIndex { $0 > x }, sorted.firstIndex { $0 > x } ?? sorted.endIndex)
        }
    }

    func testSlicesKeepTheirIndicesAndThrowingPredicatesRethrow() throws {
        let slice = [0, 10, 20, 30, 40][2...]
        XCTAssertEqual(slice.partitioningIndex { $0 >= 30 }, 3)
        XCTAssertEqual(try (0..<100).partitioningIndex { i throws -> Bool in i * i >= 200 }, 15)
        struct Stop: Error {}
        XCTAssertThrowsError(try (0..<10).partitioningIndex { _ throws -> Bool in throw Stop() })
    }

    func testProbesLogarithmicallyManyElements() {
        var probes = 0
        _ = (0..<1_000_000).partitioningIndex { probes += 1; return $0 >= 123_456 }
        XCTAssertLessThanOrEqual(probes, 21)
    }
}
