import DriftIO
import Foundation

/// One output file written by every process together, that appears whole or not at all: all ranks
/// write under a temporary name (chosen by rank 0) in the target directory; once every rank has
/// closed the file, rank 0 renames it into place. On failure anywhere the temporary file is removed.
public struct CollectiveOutput {
    public let communicator: Communicator
    public let path: String

    public init(communicator: Communicator, path: String) {
        self.communicator = communicator
        self.path = path
    }

    public func write(_ body: (String) throws -> Void) throws {
        let comm = communicator
        let token = comm.broadcast(String(UInt32.random(in: 0...UInt32.max), radix: 16))
        let tmp = AtomicOutput.temporaryPath(for: path, token: token)
        AtomicOutput.track(temporary: tmp)
        do {
            try FaultInjection.check(.write, rank: comm.rank, only: .fail)
            try body(tmp)
            try FaultInjection.check(.write, rank: comm.rank, only: .stall)
        } catch {
            // A failure inside parallel HDF5 can leave the other ranks waiting in a collective call, so
            // agreeing is not safe: this rank says why, removes the partial file and ends the job.
            FileHandle.standardError.write(Data("driftmpi: error: \(error)\n".utf8))
            AtomicOutput.discard(temporary: tmp)
            comm.abort(code: 1)
        }
        comm.barrier()
        // Only rank 0 renames; the others stop tracking the name.
        if !comm.isRoot { AtomicOutput.untrack(temporary: tmp) }
        let renamed: Error? = comm.isRoot ? Result { try AtomicOutput.commit(temporary: tmp, to: path) }.error : nil
        try comm.agree(renamed)
    }
}

extension Result where Failure == Error {
    var error: Error? {
        if case .failure(let e) = self { return e }
        return nil
    }
}
