@testable import DriftParallel
import XCTest

/// A process started without a launcher is one rank of one without MPI: its collectives are local.
final class SerialCommunicatorTests: XCTestCase {
    func testLaunchersAreRecognisedByTheirRankVariables() {
        XCTAssertFalse(Communicator.launched(in: [:]))
        XCTAssertFalse(Communicator.launched(in: ["OMPI_ALLOW_RUN_AS_ROOT": "1", "OMPI_MCA_rmaps_base_oversubscribe": "1",
                                                  "SLURM_JOB_ID": "7", "PATH": "/usr/bin"]))
        for key in ["OMPI_COMM_WORLD_RANK", "OMPI_COMM_WORLD_SIZE", "PMI_RANK", "PMI_SIZE", "PMIX_RANK", "SLURM_PROCID"] {
            XCTAssertTrue(Communicator.launched(in: [key: "0"]), key)
        }
        XCTAssertTrue(Communicator.launched(in: ["DRIFTMPI_MPI": "1"]))
        XCTAssertFalse(Communicator.launched(in: ["DRIFTMPI_MPI": "0"]))
    }

    func testCollectivesOfOneProcessWithoutMPIAreLocal() throws {
        let c = Communicator.world(environment: [:])
        XCTAssertTrue(c.isSerial)
        XCTAssertEqual(c.rank, 0)
        XCTAssertEqual(c.size, 1)
        XCTAssertTrue(c.isRoot)
        XCTAssertEqual(c.broadcast([1.5, -2]), [1.5, -2])
        XCTAssertEqual(c.broadcast([Int64(3), 4]), [3, 4])
        XCTAssertEqual(c.broadcast([Float(0.25)]), [0.25])
        XCTAssertEqual(c.broadcast("text"), "text")
        XCTAssertEqual(c.allreduce(Int64(7), .min), 7)
        XCTAssertEqual(c.allreduce(2.5, .sum), 2.5)
        var ints: [Int32] = [1, 2, 3]
        c.allreduceSum(&ints)
        XCTAssertEqual(ints, [1, 2, 3])
        var doubles = [0.1, 0.2]
        c.allreduceSum(&doubles)
        XCTAssertEqual(doubles, [0.1, 0.2])
        XCTAssertEqual(c.allgather(Int64(9)), [9])
        XCTAssertEqual(c.gatherv([1, 2, 3]), [1, 2, 3])
        XCTAssertEqual(c.allgatherv([Int32(5), 6]), [5, 6])
        XCTAssertEqual(c.allgatherv([4.0]), [4.0])
        XCTAssertEqual(c.alltoallv([Float(1), 2], counts: [2]), [1, 2])
        XCTAssertEqual(c.alltoallv([UInt32(8)], counts: [1]), [8])
        c.barrier()
        XCTAssertNoThrow(try c.agree(nil))
        struct Problem: Error, CustomStringConvertible { var description: String { "x.h5: no such file" } }
        XCTAssertThrowsError(try c.agree(Problem())) { e in
            XCTAssertEqual((e as? CollectiveFailure)?.message, "x.h5: no such file")
        }
        XCTAssertTrue(c.isSerial, "no collective started MPI")
        if case .serial = c.fileAccess {} else { XCTFail("a process without MPI opens files with HDF5's default driver") }
    }
}
