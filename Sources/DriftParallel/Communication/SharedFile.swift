import CDriftShim
import CMPI
import DriftIO
import Foundation

/// A plain file written by every process together through MPI-IO, each process writing its own
/// bytes in rank order (text outputs such as CSV, where each rank holds a contiguous run of lines).
public enum SharedFile {
    /// Creates `path` and writes every process's `bytes` one after another in rank order. Collective.
    public static func write(_ bytes: [UInt8], to path: String, communicator comm: Communicator) throws {
        if comm.isSerial {
            // One process without MPI: the same bytes, written with POSIX calls.
            guard FileManager.default.createFile(atPath: path, contents: nil),
                  let handle = FileHandle(forWritingAtPath: path) else { throw FileFormatError(path, "cannot create the file") }
            defer { try? handle.close() }
            do { try handle.write(contentsOf: bytes) } catch { throw FileFormatError(path, "cannot write the file") }
            return
        }
        let sizes = comm.allgather(Int64(bytes.count))
        let offset = sizes[..<comm.rank].reduce(0, +)
        var file: MPI_File?
        let opened = MPI_File_open(comm.comm, path, driftshim_mpi_mode_create_wronly(), driftshim_info_null(), &file)
        try comm.agree(opened == driftshim_mpi_success() ? nil : FileFormatError(path, "cannot create the file"))
        // Collective writes of at most 1 GiB each; every process makes the same number of calls.
        let chunk = 1 << 30
        let calls = Int(sizes.max()!) / chunk + 1
        var failed = false
        bytes.withUnsafeBytes { raw in
            for c in 0..<calls {
                let lo = min(c * chunk, bytes.count), hi = min(lo + chunk, bytes.count)
                let status = MPI_File_write_at_all(file, MPI_Offset(offset) + MPI_Offset(lo), raw.baseAddress.map { $0 + lo },
                                                   Int32(hi - lo), driftshim_mpi_byte(), driftshim_status_ignore())
                if status != driftshim_mpi_success() { failed = true }
            }
        }
        MPI_File_close(&file)
        try comm.agree(failed ? FileFormatError(path, "cannot write the file") : nil)
    }
}
