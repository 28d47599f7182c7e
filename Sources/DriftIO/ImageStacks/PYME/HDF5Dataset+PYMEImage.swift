import CDriftShim
import CHDF5
import Foundation

extension HDF5Dataset {
    /// The element type as an image sample type (nil when not a numeric type driftmpi reads).
    public var sampleType: ImageSampleType? {
        let t = H5Handle(H5Dget_type(id), close: H5Tclose)
        defer { withExtendedLifetime(t) {} }
        let size = H5Tget_size(t.id)
        let cls = H5Tget_class(t.id)
        if cls == H5T_FLOAT { return size == 4 ? .float32 : size == 8 ? .float64 : nil }
        guard cls == H5T_INTEGER else { return nil }
        switch (size, H5Tget_sign(t.id) == H5T_SGN_2) {
        case (1, false): return .uint8
        case (2, false): return .uint16
        case (2, true): return .int16
        case (4, false): return .uint32
        case (4, true): return .int32
        default: return nil
        }
    }
}
