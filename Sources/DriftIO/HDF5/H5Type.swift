import CDriftShim
import CHDF5
import Foundation

/// An HDF5 datatype held open: a dataset's file type, or its native (in-memory) equivalent.
public final class H5Type {
    let handle: H5Handle
    public var id: hid_t { handle.id }

    init(handle: H5Handle) { self.handle = handle }

    /// Size of one element, bytes.
    public var size: Int { H5Tget_size(id) }

    /// The native-layout equivalent (for reading into memory and modifying).
    public func native() -> H5Type { H5Type(handle: H5Handle(H5Tget_native_type(id, H5T_DIR_ASCEND), close: H5Tclose)) }

    /// Byte offset, size and whether it is a float, of compound member `name` (nil if absent); a
    /// nested member is named by its path with dots (`fitResults.x0`).
    public func member(_ name: String) -> (offset: Int, size: Int, isFloat: Bool)? {
        var current = H5Handle(H5Tcopy(id), close: H5Tclose)
        var offset = 0
        var isFloat = false
        for part in name.split(separator: ".") {
            guard H5Tget_class(current.id) == H5T_COMPOUND else { return nil }
            let k = H5Tget_member_index(current.id, String(part))
            guard k >= 0 else { return nil }
            offset += H5Tget_member_offset(current.id, UInt32(k))
            isFloat = H5Tget_member_class(current.id, UInt32(k)) == H5T_FLOAT
            current = H5Handle(H5Tget_member_type(current.id, UInt32(k)), close: H5Tclose)
        }
        return (offset, H5Tget_size(current.id), isFloat)
    }
}
