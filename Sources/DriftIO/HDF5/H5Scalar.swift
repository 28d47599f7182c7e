import CDriftShim
import CHDF5
import Foundation

/// Element types the result and localisation files use.
public enum H5Scalar {
    case uint8, uint16, int16, uint32, int32, int64, float32, float64

    var memoryType: hid_t {
        switch self {
        case .uint8: return driftshim_h5t_native_uint8()
        case .uint16: return driftshim_h5t_native_uint16()
        case .int16: return driftshim_h5t_native_int16()
        case .uint32: return driftshim_h5t_native_uint32()
        case .int32: return driftshim_h5t_native_int32()
        case .int64: return driftshim_h5t_native_int64()
        case .float32: return driftshim_h5t_native_float()
        case .float64: return driftshim_h5t_native_double()
        }
    }

    /// The little-endian type stored in files.
    var fileType: hid_t {
        switch self {
        case .uint8: return driftshim_h5t_std_u8le()
        case .uint16: return driftshim_h5t_std_u16le()
        case .int16: return driftshim_h5t_std_i16le()
        case .uint32: return driftshim_h5t_std_u32le()
        case .int32: return driftshim_h5t_std_i32le()
        case .int64: return driftshim_h5t_std_i64le()
        case .float32: return driftshim_h5t_ieee_f32le()
        case .float64: return driftshim_h5t_ieee_f64le()
        }
    }

    var size: Int {
        switch self {
        case .uint8: return 1
        case .uint16, .int16: return 2
        case .uint32, .int32, .float32: return 4
        case .int64, .float64: return 8
        }
    }
}
