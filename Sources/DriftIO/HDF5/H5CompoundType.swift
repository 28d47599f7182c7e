import CDriftShim
import CHDF5
import Foundation

/// A packed little-endian compound type built from named members.
public final class H5CompoundType {
    let handle: H5Handle
    public let size: Int
    public let offsets: [String: Int]
    public var id: hid_t { handle.id }

    /// Members in order, packed without padding.
    public init(members: [(String, H5Scalar)]) {
        var offset = 0
        var offsets: [String: Int] = [:]
        for (name, scalar) in members {
            offsets[name] = offset
            offset += scalar.size
        }
        size = offset
        handle = H5Handle(H5Tcreate(H5T_COMPOUND, offset), close: H5Tclose)
        for (name, scalar) in members { H5Tinsert(handle.id, name, offsets[name]!, scalar.fileType) }
        self.offsets = offsets
    }
}
