import DriftCore
import DriftIO
import DriftTestSupport
import Foundation
import XCTest

/// Renders over `--max-render-mb` are transformed by all ranks together (FFTW's MPI interface); forced
/// here with a small limit on a render that fits, and checked against the single-rank transforms.
final class DistributedTransformTests: XCTestCase {
    func testRanksTransformingTogetherMatchOneRankAlone() throws {
        let dir = try TemporaryDirectory.simulated("distributed", seed: 9)
        defer { dir.remove() }
        let common = ["estimate", "sim.hdf5", "--segment-frames", "500", "--no-refine"]
        let plain = try dir.run(common + ["-o", "plain.h5", "--quiet"], ranks: 1)
        XCTAssertEqual(plain.status, 0, plain.stderr)
        let reference = try dir.result("plain.h5")
        for ranks in [1, 3] {
            let r = try dir.run(common + ["-o", "d\(ranks).h5", "--max-render-mb", "0.5"], ranks: ranks)
            XCTAssertEqual(r.status, 0, r.stderr)
            XCTAssertTrue(r.stderr.contains("all ranks transform each segment together"), r.stderr)
            let d = try dir.result("d\(ranks).h5")
            XCTAssertEqual(d.pairI, reference.pairI)
            XCTAssertEqual(d.pairJ, reference.pairJ)
            for (a, b) in zip(d.pairShift, reference.pairShift) {
                XCTAssertEqual(a.x, b.x, accuracy: 1e-3)
                XCTAssertEqual(a.y, b.y, accuracy: 1e-3)
            }
            for (a, b) in zip(d.drift, reference.drift) {
                XCTAssertEqual(a.x, b.x, accuracy: 1e-3)
                XCTAssertEqual(a.y, b.y, accuracy: 1e-3)
            }
        }
        // MCC cannot: one clear line, exit 1 on every rank, no result.
        let mcc = try dir.run(common + ["-o", "m.h5", "--method", "mcc", "--max-render-mb", "0.5"], ranks: 2)
        XCTAssertEqual(mcc.status, 1)
        XCTAssertTrue(mcc.stderr.contains("exceeds --max-render-mb"), mcc.stderr)
        XCTAssertFalse(dir.exists("m.h5"))
    }
}
