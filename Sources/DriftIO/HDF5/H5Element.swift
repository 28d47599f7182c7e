/// Swift element types that map to an `H5Scalar`.
public protocol H5Element { static var h5: H5Scalar { get } }

extension UInt8: H5Element { public static var h5: H5Scalar { .uint8 } }
extension UInt16: H5Element { public static var h5: H5Scalar { .uint16 } }
extension UInt32: H5Element { public static var h5: H5Scalar { .uint32 } }
extension Int32: H5Element { public static var h5: H5Scalar { .int32 } }
extension Int64: H5Element { public static var h5: H5Scalar { .int64 } }
extension Float: H5Element { public static var h5: H5Scalar { .float32 } }
extension Double: H5Element { public static var h5: H5Scalar { .float64 } }
