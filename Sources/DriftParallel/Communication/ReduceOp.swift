import CDriftShim
import CMPI

/// Reduction operations.
public enum ReduceOp {
    case sum, min, max
    var mpi: MPI_Op {
        switch self {
        case .sum: return driftshim_mpi_sum()
        case .min: return driftshim_mpi_min()
        case .max: return driftshim_mpi_max()
        }
    }
}
