import CDriftShim
import CFFTWMPI
import CMPI
import DriftIO
import Foundation

/// The processes of one MPI job (MPI_COMM_WORLD). Every MPI call the program makes goes through here.
///
/// A process started without a launcher (no `mpirun`, `srun` or other MPI rank variables in its
/// environment, `launched(in:)`) is one rank of one, and starts without MPI: MPI_Init alone costs
/// about 0.3 s as an Open MPI singleton. Its collectives are then local (a broadcast returns its
/// values, a sum its own), files are opened with HDF5's default driver, and MPI starts only if
/// something needs it (a distributed transform, a point-to-point message). The results are the same
/// bit for bit as under `mpirun -n 1`.
public final class Communicator: @unchecked Sendable {
    public let rank: Int
    public let size: Int
    /// MPI_COMM_WORLD once MPI runs; nil in a process started without a launcher, until MPI starts.
    private var world: MPI_Comm?
    nonisolated(unsafe) private static var started = false
    /// Wall and CPU time MPI's start took (counted in the first communicator's `account`).
    nonisolated(unsafe) private static var startSeconds = (wall: 0.0, cpu: 0.0)
    /// Time in MPI calls, and bytes and messages sent under `MPIAccount`'s model, so far.
    public internal(set) var account = MPIAccount()
    /// Bytes this process has sent so far (`MPIAccount`'s model).
    public var bytesSent: Int64 { account.bytes }
    /// Depth of nested accounted calls (only the outermost is timed).
    private var accountDepth = 0

    /// The world communicator: with a launcher MPI starts now; without one, a rank of one without MPI.
    public static func world(environment: [String: String] = ProcessInfo.processInfo.environment) -> Communicator {
        guard launched(in: environment) else { return Communicator(serial: ()) }
        startMPI()
        return Communicator(comm: driftshim_comm_world())
    }

    /// Whether a launcher started this process: Open MPI's `mpirun` (`OMPI_COMM_WORLD_*`), a PMI or
    /// PMIx launcher (MPICH's and Intel MPI's `mpiexec`, `srun --mpi=...`: `PMI_*`, `PMIX_*`), or
    /// Slurm (`SLURM_PROCID`, set in every task of a job). `DRIFTMPI_MPI=1` asks for MPI regardless.
    public static func launched(in environment: [String: String]) -> Bool {
        if environment["DRIFTMPI_MPI"] == "1" { return true }
        return environment.keys.contains {
            $0.hasPrefix("OMPI_COMM_WORLD_") || $0.hasPrefix("PMI_") || $0.hasPrefix("PMIX_") || $0 == "SLURM_PROCID"
        }
    }

    /// Starts MPI and FFTW's MPI interface, once per process.
    private static func startMPI() {
        guard !started else { return }
        let start = MPIAccount.clocks()
        var flag: Int32 = 0
        MPI_Initialized(&flag)
        if flag == 0 { MPI_Init(nil, nil) }
        // FFTW's MPI interface (distributed transforms of renders too large for one rank).
        fftwf_mpi_init()
        started = true
        let end = MPIAccount.clocks()
        startSeconds = (end.wall - start.wall, end.cpu - start.cpu)
    }

    init(comm: MPI_Comm) {
        world = comm
        var r: Int32 = 0, s: Int32 = 0
        MPI_Comm_rank(comm, &r)
        MPI_Comm_size(comm, &s)
        account.wallSeconds = Self.startSeconds.wall
        account.cpuSeconds = Self.startSeconds.cpu
        rank = Int(r)
        size = Int(s)
    }

    private init(serial: Void) {
        rank = 0
        size = 1
    }

    /// Whether this process runs without MPI (started without a launcher, and nothing needed MPI yet).
    public var isSerial: Bool { world == nil }

    /// The MPI communicator; in a process started without a launcher, MPI starts here.
    var comm: MPI_Comm {
        if let world { return world }
        Self.startMPI()
        account.wallSeconds += Self.startSeconds.wall
        account.cpuSeconds += Self.startSeconds.cpu
        let c: MPI_Comm = driftshim_comm_world()
        world = c
        return c
    }

    /// The MPI_Comm handle, for parallel HDF5 (MPI-IO) in DriftIO.
    public var handle: OpaquePointer { comm }

    /// How this process opens files with the others: HDF5's MPI-IO driver, or its default driver
    /// in a process without MPI.
    public var fileAccess: H5Access { isSerial ? .serial : .parallel(communicator: comm) }

    public var isRoot: Bool { rank == 0 }

    /// Runs the MPI calls in `body`, timed (the outermost only) into `account`.
    @inline(__always) func accounted<T>(_ body: () -> T) -> T {
        accountDepth += 1
        let start = accountDepth == 1 ? MPIAccount.clocks() : nil
        defer {
            accountDepth -= 1
            if let start {
                let end = MPIAccount.clocks()
                account.wallSeconds += end.wall - start.wall
                account.cpuSeconds += end.cpu - start.cpu
            }
        }
        return body()
    }

    /// Ends MPI, if it was started; call once before the process exits.
    public func finalize() {
        guard Self.started else { return }
        var flag: Int32 = 0
        MPI_Finalized(&flag)
        if flag == 0 {
            fftwf_mpi_cleanup()
            MPI_Finalize()
        }
    }

    /// Ends every process of the job at once with `code` (for failures that cannot be agreed on).
    public func abort(code: Int32) -> Never {
        if let world { MPI_Abort(world, code) }
        exit(code)
    }

    public func barrier() {
        guard let comm = world else { return }
        account.messages += MPIAccount.lg(size)
        accounted { _ = MPI_Barrier(comm) }
    }

    // MARK: broadcast

    /// `values` from `root` on every process (its count too).
    public func broadcast(_ values: [Double], root: Int = 0) -> [Double] {
        broadcastValues(values, root: root, type: driftshim_mpi_double())
    }

    public func broadcast(_ values: [Int64], root: Int = 0) -> [Int64] {
        broadcastValues(values, root: root, type: driftshim_mpi_int64())
    }

    private func broadcastValues<T: BitwiseCopyable & Numeric>(_ values: [T], root: Int, type: MPI_Datatype) -> [T] {
        guard let comm = world else { return values }
        return accounted {
            var n = Int64(values.count)
            MPI_Bcast(&n, 1, driftshim_mpi_int64(), Int32(root), comm)
            var out = rank == root ? values : [T](repeating: 0, count: Int(n))
            if n > 0 { MPI_Bcast(&out, Int32(n), type, Int32(root), comm) }
            account.addReduction(bytes: 8 + MemoryLayout<T>.stride * Int(n), processes: size)
            return out
        }
    }

    public func broadcast(_ values: [Float], root: Int = 0) -> [Float] {
        guard let comm = world else { return values }
        return accounted { broadcastFloats(values, root: root, comm: comm) }
    }

    private func broadcastFloats(_ values: [Float], root: Int, comm: MPI_Comm) -> [Float] {
        var n = Int64(values.count)
        MPI_Bcast(&n, 1, driftshim_mpi_int64(), Int32(root), comm)
        account.addReduction(bytes: 8 + 4 * Int(n), processes: size)
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
        guard let comm = world else { return text }
        return accounted {
            var n = Int64(text.utf8.count)
            MPI_Bcast(&n, 1, driftshim_mpi_int64(), Int32(root), comm)
            var bytes = rank == root ? Array(text.utf8) : [UInt8](repeating: 0, count: Int(n))
            if n > 0 { MPI_Bcast(&bytes, Int32(n), driftshim_mpi_byte(), Int32(root), comm) }
            account.addReduction(bytes: 8 + Int(n), processes: size)
            return String(decoding: bytes, as: UTF8.self)
        }
    }

    // MARK: reductions

    public func allreduce(_ value: Int64, _ op: ReduceOp) -> Int64 {
        guard let comm = world else { return value }
        var v = value, out: Int64 = 0
        account.addReduction(bytes: 8, processes: size)
        accounted { _ = MPI_Allreduce(&v, &out, 1, driftshim_mpi_int64(), op.mpi, comm) }
        return out
    }

    public func allreduce(_ value: Double, _ op: ReduceOp) -> Double {
        guard let comm = world else { return value }
        var v = value, out = 0.0
        account.addReduction(bytes: 8, processes: size)
        accounted { _ = MPI_Allreduce(&v, &out, 1, driftshim_mpi_double(), op.mpi, comm) }
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
        guard let comm = world else { return }
        account.addReduction(bytes: values.count * MemoryLayout<T>.stride, processes: size)
        accounted { sumChunks(&values, type, comm) }
    }

    private func sumChunks<T>(_ values: inout [T], _ type: MPI_Datatype, _ comm: MPI_Comm) {
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
        guard let comm = world else { return [value] }
        var v = value
        var out = [Int64](repeating: 0, count: size)
        account.addAllGather(total: 8 * size, processes: size)
        accounted { _ = MPI_Allgather(&v, 1, driftshim_mpi_int64(), &out, 1, driftshim_mpi_int64(), comm) }
        return out
    }

    // MARK: gather

    /// Concatenation of every process's `values` in rank order, on `root` only (empty elsewhere).
    public func gatherv(_ values: [Double], root: Int = 0) -> [Double] {
        guard let comm = world else { return values }
        let counts = allgather(Int64(values.count))
        var displs = [Int32](repeating: 0, count: size)
        for r in 1..<max(size, 1) { displs[r] = displs[r - 1] + Int32(counts[r - 1]) }
        let total = Int(counts.reduce(0, +))
        var recvCounts = counts.map { Int32($0) }
        var out = [Double](repeating: 0, count: rank == root ? max(total, 1) : 1)
        var send = values.isEmpty ? [0.0] : values
        if rank != root { account.bytes += Int64(8 * values.count); account.messages += 1 }
        accounted {
            _ = MPI_Gatherv(&send, Int32(values.count), driftshim_mpi_double(),
                            &out, &recvCounts, &displs, driftshim_mpi_double(), Int32(root), comm)
        }
        return rank == root ? Array(out.prefix(total)) : []
    }

    /// Concatenation of every process's `values` in rank order, on every process (at most 2^31 - 1
    /// values in all).
    public func allgatherv(_ values: [Int32]) -> [Int32] { gatherAll(values, type: driftshim_mpi_int()) }

    public func allgatherv(_ values: [Double]) -> [Double] { gatherAll(values, type: driftshim_mpi_double()) }

    private func gatherAll<T: BitwiseCopyable>(_ values: [T], type: MPI_Datatype) -> [T] {
        guard let comm = world else { return values }
        let counts = allgather(Int64(values.count))
        let total = Int(counts.reduce(0, +))
        precondition(total < Int(Int32.max), "gathering \(total) values")
        var displs = [Int32](repeating: 0, count: size)
        for r in 1..<max(size, 1) { displs[r] = displs[r - 1] + Int32(counts[r - 1]) }
        var recvCounts = counts.map { Int32($0) }
        account.addAllGather(total: total * MemoryLayout<T>.stride, processes: size)
        var out = [T](unsafeUninitializedCapacity: total) { _, n in n = total }
        var emptySend: UInt64 = 0, emptyReceive: UInt64 = 0   // two, so that the buffers never alias
        accounted {
            withUnsafeMutableBytes(of: &emptySend) { ds in
                withUnsafeMutableBytes(of: &emptyReceive) { dr in
                    values.withUnsafeBufferPointer { send in
                        out.withUnsafeMutableBufferPointer { receive in
                            _ = MPI_Allgatherv(send.baseAddress.map { UnsafeRawPointer($0) } ?? UnsafeRawPointer(ds.baseAddress!),
                                               Int32(values.count), type,
                                               receive.baseAddress.map { UnsafeMutableRawPointer($0) } ?? dr.baseAddress!,
                                               &recvCounts, &displs, type, comm)
                        }
                    }
                }
            }
        }
        return out
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
        guard let comm = world else { precondition(counts == [values.count]); return values }
        precondition(counts.count == size && counts.reduce(0, +) == values.count)
        precondition(values.count < Int(Int32.max), "sending \(values.count) values")
        var sendCounts = counts.map { Int32($0) }
        var receiveCounts = [Int32](repeating: 0, count: size)
        for d in 0..<size where d != rank {
            account.bytes += Int64(4 + counts[d] * MemoryLayout<T>.stride)
            account.messages += counts[d] > 0 ? 2 : 1
        }
        return accounted { exchangeCounted(values, sendCounts: &sendCounts, receiveCounts: &receiveCounts, type: type, comm: comm) }
    }

    private func exchangeCounted<T: BitwiseCopyable>(_ values: [T], sendCounts: inout [Int32], receiveCounts: inout [Int32],
                                                     type: MPI_Datatype, comm: MPI_Comm) -> [T] {
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
