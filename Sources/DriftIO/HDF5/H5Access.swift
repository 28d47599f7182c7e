import CDriftShim
import CHDF5
import Foundation

/// How a file is opened: by one process, or by every process of an MPI communicator together
/// (MPI-IO driver; dataset writes are then collective).
public enum H5Access {
    case serial
    /// `communicator` is an MPI_Comm handle (from DriftParallel's Communicator).
    case parallel(communicator: OpaquePointer)
}
