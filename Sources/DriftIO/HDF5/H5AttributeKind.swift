import CDriftShim
import CHDF5
import Foundation

/// The class of an attribute's stored type.
enum H5AttributeKind {
    static func isFloat(file: HDF5File, name: String) -> Bool {
        let a = H5Aopen(file.id, name, driftshim_h5p_default())
        guard a >= 0 else { return false }
        defer { H5Aclose(a) }
        let t = H5Handle(H5Aget_type(a), close: H5Tclose)
        defer { withExtendedLifetime(t) {} }
        return H5Tget_class(t.id) == H5T_FLOAT
    }
}
