import CDriftShim
import CFFTWMPI
import CMPI
import Foundation

/// The processes of one MPI job (MPI_COMM_WORLD). Every MPI call the program makes goes through here.
public final class Communicator: @unchecked Sendable {
    public let rank: Int
    public let size: Int
    let comm: MPI_Comm
    private static var started = false
    /// Bytes this process has sent with `isend` so far.
    public internal(set) var bytesSent: Int64 = 0

    /// Starts MPI (once per process) and returns the world communicator.
    public static func world() -> Communicator {
        if !started {
            var flag: Int32 = 0
            MPI_Initialized(&flag)
            if flag == 0 { MPI_Init(nil, nil) }
            // FFTW's MPI interface (distributed transforms of renders too large for one rank).
            fftwf_mpi_init()
            started = true
        }
        return Communicator(comm: driftshim_comm_world())
    }

    init(comm: MPI_Comm) {
        self.comm = comm
        var r: Int32 = 0, s: Int32 = 0
        MPI_Comm_rank(comm, &r)
        MPI_Comm_size(comm, &s)
        rank = Int(r)
        size = Int(s)
    }

    /// The MPI_Comm handle, for parallel HDF5 (MPI-IO) in DriftIO.
    public var handle: OpaquePointer { comm }

    public var isRoot: Bool { rank == 0 }

    /// Ends MPI; call once before the process exits.
    public func finalize() {
        var flag: Int32 = 0
        MPI_Finalized(&flag)
        if flag == 0 {
            fftwf_mpi_cleanup()
            MPI_Finalize()
        }
    }

    /// Ends every process of the job at once with `code` (for failures that cannot be agreed on).
    public func abort(code: Int32) -> Never {
        MPI_Abort(comm, code)
        exit(code)
    }

    public func barrier() { MPI_Barrier(comm) }

    // MARK: broadcast

    /// `values` from `root` on every process (its count too).
    public func broadcast(_ values: [Double], root: Int = 0) -> [Double] {
        var n = Int64(values.count)
        MPI_Bcast(&n, 1, driftshim_mpi_int64(), Int32(root), comm)
        var out = rank == root ? values : [Double](repeating: 0, count: Int(n))
        if n > 0 { MPI_Bcast(&out, Int32(n), driftshim_mpi_double(), Int32(root), comm) }
        return out
    }

    public func broadcast(_ values: [Int64], root: Int = 0) -> [Int64] {
        var n = Int64(values.count)
        MPI_Bcast(&n, 1, driftshim_mpi_int64(), Int32(root), comm)
        var out = rank == root ? values : [Int64](repeating: 0, count: Int(n))
        if n > 0 { MPI_Bcast(&out, Int32(n), driftshim_mpi_int64(), Int32(root), comm) }
        return out
    }

    public func broadcast(_ values: [Float], root: Int = 0) -> [Float] {
        var n = Int64(values.count)
        MPI_Bcast(&n, 1, driftshim_mpi_int64(), Int32(root), comm)
        var out = rank == root ? values : [Float](repeating: 0, count: Int(n))
        var offset = 0
        while offset < out.count {
            let k = min(out.count - offset, 1 << 28)
            out.withUnsafeMutableBufferPointer { b in
                _ = MPI_Bcast(b.baseAddress! + offset, Int32(k), driftshim_mpi_float(), Int32(root), comm)
            }
            offset += k
        }
        return out
    }

    public func broadcast(_ text: String, root: Int = 0) -> String {
        var n = Int64(text.utf8.count)
        MPI_Bcast(&n, 1, driftshim_mpi_int64(), Int32(root), comm)
        var bytes = rank == root ? Array(text.utf8) : [UInt8](repeating: 0, count: Int(n))
        if n > 0 { MPI_Bcast(&bytes, Int32(n), driftshim_mpi_byte(), Int32(root), comm) }
        return String(decoding: bytes, as: UTF8.self)
    }

    // MARK: reductions

    public func allreduce(_ value: Int64, _ op: ReduceOp) -> Int64 {
        var v = value, out: Int64 = 0
        MPI_Allreduce(&v, &out, 1, driftshim_mpi_int64(), op.mpi, comm)
        return out
    }

    public func allreduce(_ value: Double, _ op: ReduceOp) -> Double {
        var v = value, out = 0.0
        MPI_Allreduce(&v, &out, 1, driftshim_mpi_double(), op.mpi, comm)
        return out
    }

    /// Replaces `values` by their element-wise sum over all processes (integers: exact in any order).
    public func allreduceSum(_ values: inout [Int32]) { sumInPlace(&values, driftshim_mpi_int()) }

    public func allreduceSum(_ values: inout [Int64]) { sumInPlace(&values, driftshim_mpi_int64()) }

    /// Floating-point sums: the same for a given rank count, not across rank counts (unless at most
    /// one process contributes each element, as when gathering pieces of an image).
    public func allreduceSum(_ values: inout [Float]) { sumInPlace(&values, driftshim_mpi_float()) }

    public func allreduceSum(_ values: inout [Double]) { sumInPlace(&values, driftshim_mpi_double()) }

    /// In-place MPI_SUM in chunks (MPI counts are Int32).
    private func sumInPlace<T>(_ values: inout [T], _ type: MPI_Datatype) {
        var offset = 0
        while offset < values.count {
            let n = min(values.count - offset, 1 << 27)
            values.withUnsafeMutableBufferPointer { b in
                _ = MPI_Allreduce(driftshim_in_place(), UnsafeMutableRawPointer(b.baseAddress! + offset), Int32(n), type, driftshim_mpi_sum(), comm)
            }
            offset += n
        }
    }

    /// Every process's value, in rank order, on every process.
    public func allgather(_ value: Int64) -> [Int64] {
        var v = value
        var out = [Int64](repeating: 0, count: size)
        MPI_Allgather(&v, 1, driftshim_mpi_int64(), &out, 1, driftshim_mpi_int64(), comm)
        return out
    }

    // MARK: gather

    /// Concatenation of every process's `values` in rank order, on `root` only (empty elsewhere).
    public func gatherv(_ values: [Double], root: Int = 0) -> [Double] {
        let counts = allgather(Int64(values.count))
        var displs = [Int32](repeating: 0, count: size)
        for r in 1..<max(size, 1) { displs[r] = displs[r - 1] + Int32(counts[r - 1]) }
        let total = Int(counts.reduce(0, +))
        var recvCounts = counts.map { Int32($0) }
        var out = [Double](repeating: 0, count: rank == root ? max(total, 1) : 1)
        var send = values.isEmpty ? [0.0] : values
        MPI_Gatherv(&send, Int32(values.count), driftshim_mpi_double(),
                    &out, &recvCounts, &displs, driftshim_mpi_double(), Int32(root), comm)
        return rank == root ? Array(out.prefix(total)) : []
    }

    /// Concatenation of every process's `values` in rank order, on every process (at most 2^31 - 1
    /// values in all).
    public func allgatherv(_ values: [Int32]) -> [Int32] {
        let counts = allgather(Int64(values.count))
        let total = Int(counts.reduce(0, +))
        precondition(total < Int(Int32.max), "gathering \(total) values")
        var displs = [Int32](repeating: 0, count: size)
        for r in 1..<max(size, 1) { displs[r] = displs[r - 1] + Int32(counts[r - 1]) }
        var recvCounts = counts.map { Int32($0) }
        var out = [Int32](repeating: 0, count: max(total, 1))
        var send = values.isEmpty ? [Int32(0)] : values
        MPI_Allgatherv(&send, Int32(values.count), driftshim_mpi_int(), &out, &recvCounts, &displs, driftshim_mpi_int(), comm)
        return Array(out.prefix(total))
    }

    /// Concatenation of every process's `values` in rank order, on every process.
    public func allgatherv(_ values: [Double]) -> [Double] {
        broadcast(gatherv(values, root: 0), root: 0)
    }

    // MARK: all to all

    /// MPI_Alltoallv: `values` holds this process's messages back to back, `counts[d]` values for
    /// process `d`, in rank order; returns what every process sent here, in rank order. At most
    /// 2^31 - 1 values each way.
    public func alltoallv(_ values: [Float], counts: [Int]) -> [Float] {
        exchange(values, counts: counts, type: driftshim_mpi_float())
    }

    public func alltoallv(_ values: [UInt32], counts: [Int]) -> [UInt32] {
        exchange(values, counts: counts, type: driftshim_mpi_int())
    }

    private func exchange<T: BitwiseCopyable>(_ values: [T], counts: [Int], type: MPI_Datatype) -> [T] {
        precondition(counts.count == size && counts.reduce(0, +) == values.count)
        precondition(values.count < Int(Int32.max), "sending \(values.count) values")
        var sendCounts = counts.map { Int32($0) }
        var receiveCounts = [Int32](repeating: 0, count: size)
        MPI_Alltoall(&sendCounts, 1, driftshim_mpi_int(), &receiveCounts, 1, driftshim_mpi_int(), comm)
        let total = receiveCounts.reduce(0) { $0 + Int($1) }
        precondition(total < Int(Int32.max), "receiving \(total) values")
        var sendDispls = [Int32](repeating: 0, count: size), receiveDispls = [Int32](repeating: 0, count: size)
        for r in 1..<max(size, 1) {
            sendDispls[r] = sendDispls[r - 1] + sendCounts[r - 1]
            receiveDispls[r] = receiveDispls[r - 1] + receiveCounts[r - 1]
        }
        // Received in place; MPI wants valid buffers even when nothing moves (an empty array may have none).
        var out = [T](unsafeUninitializedCapacity: total) { _, n in n = total }
        var emptySend: UInt64 = 0, emptyReceive: UInt64 = 0   // two, so that the buffers never alias
        withUnsafeMutableBytes(of: &emptySend) { ds in
            withUnsafeMutableBytes(of: &emptyReceive) { dr in
                values.withUnsafeBufferPointer { send in
                    out.withUnsafeMutableBufferPointer { receive in
                        _ = MPI_Alltoallv(send.baseAddress.map { UnsafeRawPointer($0) } ?? UnsafeRawPointer(ds.baseAddress!),
                                          &sendCounts, &sendDispls, type,
                                          receive.baseAddress.map { UnsafeMutableRawPointer($0) } ?? dr.baseAddress!,
                                          &receiveCounts, &receiveDispls, type, comm)
                    }
                }
            }
        }
        return out
    }

    // MARK: agreement

    /// Collective: if any process passes an error, every process throws the lowest failing rank's
    /// message as `CollectiveFailure`; otherwise all return. Call at phase boundaries.
    public func agree(_ local: Error?) throws {
        let flag = local == nil ? Int64(size) : Int64(rank)
        let first = allreduce(flag, .min)
        guard first < Int64(size) else { return }
        let text = local.map { String(describing: $0) } ?? ""
        let message = broadcast(text, root: Int(first))
        throw CollectiveFailure(message: message, rank: Int(first))
    }

    /// Runs `body`, then agrees on its outcome across all processes.
    public func collectively<T>(_ body: () throws -> T) throws -> T {
        var result: T?
        var failure: Error?
        do { result = try body() } catch { failure = error }
        try agree(failure)
        return result!
    }
}
