import DriftIO
import DriftTestSupport

/// Reading what `driftmpi` wrote into a temporary directory.
extension TemporaryDirectory {
    /// The driftmpi result or drift file `name` in this directory.
    func result(_ name: String) throws -> DriftResult { try DriftResult.read(path: file(name)) }
}
