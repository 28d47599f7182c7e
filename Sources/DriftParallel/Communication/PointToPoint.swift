import CDriftShim
import CMPI

extension Communicator {
    /// Starts sending `count` floats at `buffer` to `destination`.
    public func isend(_ buffer: UnsafePointer<Float>, count: Int, to destination: Int, tag: Int) -> PendingMessage {
        precondition(count <= Int(Int32.max), "message of \(count) floats")
        var request: MPI_Request? = driftshim_request_null()
        accounted { _ = MPI_Isend(buffer, Int32(count), driftshim_mpi_float(), Int32(destination), Int32(tag), comm, &request) }
        account.bytes += Int64(count * MemoryLayout<Float>.size)
        account.messages += 1
        return PendingMessage(request: request)
    }

    /// Starts receiving `count` floats from `source` into `buffer`.
    public func irecv(_ buffer: UnsafeMutablePointer<Float>, count: Int, from source: Int, tag: Int) -> PendingMessage {
        precondition(count <= Int(Int32.max), "message of \(count) floats")
        var request: MPI_Request? = driftshim_request_null()
        accounted { _ = MPI_Irecv(buffer, Int32(count), driftshim_mpi_float(), Int32(source), Int32(tag), comm, &request) }
        return PendingMessage(request: request)
    }

    /// Waits until every message has gone or arrived.
    public func waitAll(_ messages: [PendingMessage]) {
        guard !messages.isEmpty else { return }
        var requests = messages.map(\.request)
        accounted { _ = MPI_Waitall(Int32(requests.count), &requests, driftshim_statuses_ignore()) }
    }
}
