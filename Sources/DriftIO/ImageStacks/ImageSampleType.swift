import Foundation

/// The sample type an image file stores.
public enum ImageSampleType: String, Sendable, CaseIterable {
    case uint8, uint16, int16, uint32, int32, float32, float64

    /// Bytes per sample.
    public var size: Int {
        switch self {
        case .uint8: return 1
        case .uint16, .int16: return 2
        case .uint32, .int32, .float32: return 4
        case .float64: return 8
        }
    }

    public var isInteger: Bool { self != .float32 && self != .float64 }

    /// The range an integer type holds (for rounding and clipping corrected images).
    public var range: ClosedRange<Double>? {
        switch self {
        case .uint8: return 0...255
        case .uint16: return 0...65535
        case .int16: return -32768...32767
        case .uint32: return 0...4_294_967_295
        case .int32: return -2_147_483_648...2_147_483_647
        case .float32, .float64: return nil
        }
    }
}
