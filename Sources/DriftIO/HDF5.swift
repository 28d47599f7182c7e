import CDriftShim
import CHDF5
import Foundation

/// An HDF5 identifier that is closed when the value goes away.
final class H5Handle {
    let id: hid_t
    private let close: (hid_t) -> herr_t
    init(_ id: hid_t, close: @escaping (hid_t) -> herr_t) {
        self.id = id
        self.close = close
    }
    deinit { if id >= 0 { _ = close(id) } }
}

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

/// Swift element types that map to an `H5Scalar`.
public protocol H5Element { static var h5: H5Scalar { get } }
extension UInt8: H5Element { public static var h5: H5Scalar { .uint8 } }
extension UInt32: H5Element { public static var h5: H5Scalar { .uint32 } }
extension Int32: H5Element { public static var h5: H5Scalar { .int32 } }
extension Int64: H5Element { public static var h5: H5Scalar { .int64 } }
extension Float: H5Element { public static var h5: H5Scalar { .float32 } }
extension Double: H5Element { public static var h5: H5Scalar { .float64 } }

/// How a file is opened: by one process, or by every process of an MPI communicator together
/// (MPI-IO driver; dataset writes are then collective).
public enum H5Access {
    case serial
    /// `communicator` is an MPI_Comm handle (from DriftParallel's Communicator).
    case parallel(communicator: OpaquePointer)
}

/// An open HDF5 file.
public final class HDF5File {
    public let path: String
    let handle: H5Handle
    let access: H5Access
    public var id: hid_t { handle.id }

    private init(path: String, id: hid_t, access: H5Access) {
        self.path = path
        handle = H5Handle(id, close: H5Fclose)
        self.access = access
    }

    static func accessList(_ access: H5Access) -> H5Handle {
        driftshim_h5_silence_errors()
        let fapl = H5Handle(H5Pcreate(driftshim_h5p_file_access()), close: H5Pclose)
        defer { withExtendedLifetime(fapl) {} }
        if case .parallel(let comm) = access {
            _ = H5Pset_fapl_mpio(fapl.id, comm, driftshim_info_null())
        }
        return fapl
    }

    /// Whether the file at `path` is an HDF5 file.
    public static func isHDF5(_ path: String) -> Bool {
        driftshim_h5_silence_errors()
        return H5Fis_hdf5(path) > 0
    }

    /// Creates (truncates) a file. Collective under `.parallel`.
    public static func create(_ path: String, access: H5Access = .serial) throws -> HDF5File {
        let fapl = accessList(access)
        defer { withExtendedLifetime(fapl) {} }
        let id = H5Fcreate(path, driftshim_h5f_acc_trunc(), driftshim_h5p_default(), fapl.id)
        guard id >= 0 else { throw FileFormatError(path, "cannot create the file") }
        return HDF5File(path: path, id: id, access: access)
    }

    /// Opens an existing file for reading. Collective under `.parallel`.
    public static func openReadOnly(_ path: String, access: H5Access = .serial) throws -> HDF5File {
        guard FileManager.default.fileExists(atPath: path) else { throw FileFormatError(path, "no such file") }
        guard isHDF5(path) else { throw FileFormatError(path, "not an HDF5 file") }
        let fapl = accessList(access)
        defer { withExtendedLifetime(fapl) {} }
        let id = H5Fopen(path, driftshim_h5f_acc_rdonly(), fapl.id)
        guard id >= 0 else { throw FileFormatError(path, "cannot open the HDF5 file (damaged or truncated?)") }
        return HDF5File(path: path, id: id, access: access)
    }


    /// Opens an existing file for reading and writing (a copy being corrected in place). Collective
    /// under `.parallel`.
    public static func openReadWrite(_ path: String, access: H5Access = .serial) throws -> HDF5File {
        let fapl = accessList(access)
        defer { withExtendedLifetime(fapl) {} }
        let id = H5Fopen(path, driftshim_h5f_acc_rdwr(), fapl.id)
        guard id >= 0 else { throw FileFormatError(path, "cannot open the HDF5 file for writing") }
        return HDF5File(path: path, id: id, access: access)
    }

    /// Whether a link (group or dataset) exists at `name`, e.g. "/drift/xyz".
    public func exists(_ name: String) -> Bool {
        var partial = ""
        for part in name.split(separator: "/") {
            partial += "/" + part
            if H5Lexists(id, partial, driftshim_h5p_default()) <= 0 { return false }
        }
        return true
    }

    /// Names of the links in group `group`, in name order.
    public func children(of group: String = "/") -> [String] {
        var info = H5G_info_t()
        guard H5Gget_info_by_name(id, group, &info, driftshim_h5p_default()) >= 0 else { return [] }
        return (0..<info.nlinks).compactMap { k in
            let n = H5Lget_name_by_idx(id, group, H5_INDEX_NAME, H5_ITER_INC, k, nil, 0, driftshim_h5p_default())
            guard n >= 0 else { return nil }
            var buffer = [CChar](repeating: 0, count: Int(n) + 1)
            H5Lget_name_by_idx(id, group, H5_INDEX_NAME, H5_ITER_INC, k, &buffer, Int(n) + 1, driftshim_h5p_default())
            return String(cString: buffer)
        }
    }

    /// Creates a group (and is a no-op if it exists).
    public func createGroup(_ name: String) throws {
        if exists(name) { return }
        let g = H5Gcreate2(id, name, driftshim_h5p_default(), driftshim_h5p_default(), driftshim_h5p_default())
        guard g >= 0 else { throw FileFormatError(path, "cannot create group \(name)") }
        H5Gclose(g)
    }

    /// Opens the dataset `name`.
    public func dataset(_ name: String) throws -> HDF5Dataset {
        guard exists(name) else { throw FileFormatError(path, "no dataset '\(name)'") }
        let d = H5Dopen2(id, name, driftshim_h5p_default())
        guard d >= 0 else { throw FileFormatError(path, "'\(name)' is not a dataset") }
        return HDF5Dataset(file: self, name: name, id: d)
    }

    /// Creates a dataset of `shape` with the file type of `scalar` (or a given type id).
    public func createDataset(_ name: String, scalar: H5Scalar, shape: [Int]) throws -> HDF5Dataset {
        try createDataset(name, type: scalar.fileType, shape: shape)
    }

    public func createDataset(_ name: String, type: hid_t, shape: [Int]) throws -> HDF5Dataset {
        var dims = shape.map { hsize_t($0) }
        let space = H5Handle(H5Screate_simple(Int32(dims.count), &dims, nil), close: H5Sclose)
        defer { withExtendedLifetime(space) {} }
        let d = H5Dcreate2(id, name, type, space.id, driftshim_h5p_default(), driftshim_h5p_default(), driftshim_h5p_default())
        guard d >= 0 else { throw FileFormatError(path, "cannot create dataset \(name)") }
        return HDF5Dataset(file: self, name: name, id: d)
    }

    /// The transfer property list for writes: collective under `.parallel`. Reads are independent, so
    /// each process can read its own rows (and search the frame column) on its own.
    func transferList() -> H5Handle {
        let dxpl = H5Handle(H5Pcreate(driftshim_h5p_dataset_xfer()), close: H5Pclose)
        defer { withExtendedLifetime(dxpl) {} }
        if case .parallel = access { _ = H5Pset_dxpl_mpio(dxpl.id, H5FD_MPIO_COLLECTIVE) }
        return dxpl
    }

    // MARK: attributes on the root group (or any object by name)

    public func setAttribute(_ name: String, _ value: String, on object: String = "/") throws {
        try withObject(object) { try H5Attributes.write(string: value, name: name, on: $0, path: path) }
    }

    public func setAttribute(_ name: String, _ value: Double, on object: String = "/") throws {
        try withObject(object) { try H5Attributes.write(scalar: value, name: name, on: $0, path: path) }
    }

    public func setAttribute(_ name: String, _ value: Int64, on object: String = "/") throws {
        try withObject(object) { try H5Attributes.write(scalar: value, name: name, on: $0, path: path) }
    }

    public func stringAttribute(_ name: String, on object: String = "/") throws -> String? {
        try withObject(object) { H5Attributes.readString(name: name, on: $0) }
    }

    public func doubleAttribute(_ name: String, on object: String = "/") throws -> Double? {
        try withObject(object) { H5Attributes.readScalar(name: name, on: $0) as Double? }
    }

    public func int64Attribute(_ name: String, on object: String = "/") throws -> Int64? {
        try withObject(object) { H5Attributes.readScalar(name: name, on: $0) as Int64? }
    }

    /// Names of the attributes on an object.
    public func attributeNames(on object: String = "/") throws -> [String] {
        try withObject(object) { H5Attributes.names(on: $0) }
    }

    private func withObject<T>(_ name: String, _ body: (hid_t) throws -> T) throws -> T {
        let o = H5Oopen(id, name, driftshim_h5p_default())
        guard o >= 0 else { throw FileFormatError(path, "no object '\(name)'") }
        defer { H5Oclose(o) }
        return try body(o)
    }

    // MARK: chunked datasets and typed attributes

    /// Creates a chunked dataset of `shape` with chunks of `chunk`; with `extendableRows` the first
    /// dimension has no maximum (as PyTables' EArrays). `shuffle` and `deflateLevel` (0-9) add the
    /// byte-shuffle and zlib filters (zlib only where the HDF5 library has it; a filtered dataset can
    /// only be written by one process).
    public func createChunkedDataset(_ name: String, scalar: H5Scalar, shape: [Int], chunk: [Int],
                                     extendableRows: Bool = false, shuffle: Bool = false,
                                     deflateLevel: Int? = nil) throws -> HDF5Dataset {
        precondition(shape.count == chunk.count && !shape.isEmpty)
        var dims = shape.map { hsize_t($0) }
        var maxDims = dims
        if extendableRows { maxDims[0] = hsize_t.max }  // H5S_UNLIMITED
        let space = H5Handle(H5Screate_simple(Int32(dims.count), &dims, &maxDims), close: H5Sclose)
        defer { withExtendedLifetime(space) {} }
        let dcpl = H5Handle(H5Pcreate(driftshim_h5p_dataset_create()), close: H5Pclose)
        defer { withExtendedLifetime(dcpl) {} }
        var chunkDims = chunk.map { hsize_t(max($0, 1)) }
        guard H5Pset_chunk(dcpl.id, Int32(chunkDims.count), &chunkDims) >= 0 else {
            throw FileFormatError(path, "cannot set the chunk shape of \(name)")
        }
        if shuffle { H5Pset_shuffle(dcpl.id) }
        if let level = deflateLevel, H5Zfilter_avail(H5Z_filter_t(H5Z_FILTER_DEFLATE)) > 0 {
            H5Pset_deflate(dcpl.id, UInt32(min(max(level, 0), 9)))
        }
        let d = H5Dcreate2(id, name, scalar.fileType, space.id, driftshim_h5p_default(), dcpl.id, driftshim_h5p_default())
        guard d >= 0 else { throw FileFormatError(path, "cannot create dataset \(name)") }
        return HDF5Dataset(file: self, name: name, id: d)
    }

    /// Writes a scalar attribute of any element type (e.g. Int32, as PyTables' EXTDIM) on an object.
    public func setAttribute<T: H5Element>(_ name: String, scalar value: T, on object: String = "/") throws {
        try withObject(object) { try H5Attributes.write(scalar: value, name: name, on: $0, path: path) }
    }
}

/// Reading and writing attributes.
enum H5Attributes {
    static func write(string: String, name: String, on object: hid_t, path: String) throws {
        let bytes = Array(string.utf8)
        let type = H5Handle(H5Tcopy(driftshim_h5t_c_s1()), close: H5Tclose)
        defer { withExtendedLifetime(type) {} }
        H5Tset_size(type.id, max(1, bytes.count))
        H5Tset_strpad(type.id, H5T_STR_NULLPAD)
        let space = H5Handle(H5Screate(H5S_SCALAR), close: H5Sclose)
        defer { withExtendedLifetime(space) {} }
        if H5Aexists(object, name) > 0 { H5Adelete(object, name) }
        let a = H5Acreate2(object, name, type.id, space.id, driftshim_h5p_default(), driftshim_h5p_default())
        guard a >= 0 else { throw FileFormatError(path, "cannot write attribute \(name)") }
        defer { H5Aclose(a) }
        var buffer = bytes.isEmpty ? [UInt8(0)] : bytes
        H5Awrite(a, type.id, &buffer)
    }

    static func write<T: H5Element>(scalar: T, name: String, on object: hid_t, path: String) throws {
        let space = H5Handle(H5Screate(H5S_SCALAR), close: H5Sclose)
        defer { withExtendedLifetime(space) {} }
        if H5Aexists(object, name) > 0 { H5Adelete(object, name) }
        let a = H5Acreate2(object, name, T.h5.fileType, space.id, driftshim_h5p_default(), driftshim_h5p_default())
        guard a >= 0 else { throw FileFormatError(path, "cannot write attribute \(name)") }
        defer { H5Aclose(a) }
        withUnsafeBytes(of: scalar) { _ = H5Awrite(a, T.h5.memoryType, $0.baseAddress) }
    }

    static func readScalar<T: H5Element & Numeric>(name: String, on object: hid_t) -> T? {
        guard H5Aexists(object, name) > 0 else { return nil }
        let a = H5Aopen(object, name, driftshim_h5p_default())
        guard a >= 0 else { return nil }
        defer { H5Aclose(a) }
        guard holdsOneElement(a) else { return nil }
        var v: T = 0
        let status = withUnsafeMutableBytes(of: &v) { H5Aread(a, T.h5.memoryType, $0.baseAddress) }
        return status >= 0 ? v : nil
    }

    static func readString(name: String, on object: hid_t) -> String? {
        guard H5Aexists(object, name) > 0 else { return nil }
        let a = H5Aopen(object, name, driftshim_h5p_default())
        guard a >= 0 else { return nil }
        defer { H5Aclose(a) }
        guard holdsOneElement(a) else { return nil }
        let ftype = H5Handle(H5Aget_type(a), close: H5Tclose)
        defer { withExtendedLifetime(ftype) {} }
        guard H5Tget_class(ftype.id) == H5T_STRING else { return nil }
        if H5Tis_variable_str(ftype.id) > 0 {
            let mtype = H5Handle(H5Tcopy(driftshim_h5t_c_s1()), close: H5Tclose)
            defer { withExtendedLifetime(mtype) {} }
            H5Tset_size(mtype.id, driftshim_h5t_variable())
            // The file's character set: HDF5 converts no string between ASCII and UTF-8, so a UTF-8
            // attribute (h5py writes str so) read as absent (found with Fuzz/FuzzH5Attr.swift).
            H5Tset_cset(mtype.id, H5Tget_cset(ftype.id))
            var p: UnsafeMutablePointer<CChar>? = nil
            guard H5Aread(a, mtype.id, &p) >= 0, let s = p else { return nil }
            defer { free(s) }
            return String(cString: s)
        }
        let size = H5Tget_size(ftype.id)
        var buffer = [UInt8](repeating: 0, count: size + 1)
        let mtype = H5Handle(H5Tcopy(driftshim_h5t_c_s1()), close: H5Tclose)
        defer { withExtendedLifetime(mtype) {} }
        H5Tset_size(mtype.id, size)
        H5Tset_strpad(mtype.id, H5T_STR_NULLPAD)
        H5Tset_cset(mtype.id, H5Tget_cset(ftype.id))  // as above
        guard H5Aread(a, mtype.id, &buffer) >= 0 else { return nil }
        let end = buffer.firstIndex(of: 0) ?? size
        return String(decoding: buffer[..<end], as: UTF8.self)
    }

    /// Whether attribute `a` holds exactly one element (a scalar, or an array of one): H5Aread writes
    /// every element, so reading an array attribute into one value overran the stack (found by
    /// Fuzz/FuzzH5Attr.swift). Attributes of any other shape are treated as absent.
    static func holdsOneElement(_ a: hid_t) -> Bool {
        let space = H5Handle(H5Aget_space(a), close: H5Sclose)
        defer { withExtendedLifetime(space) {} }
        return space.id >= 0 && H5Sget_simple_extent_npoints(space.id) == 1
    }

    static func names(on object: hid_t) -> [String] {
        var info = H5O_info_t()
        guard H5Oget_info2(object, &info, UInt32(H5O_INFO_NUM_ATTRS)) >= 0 else { return [] }
        var names: [String] = []
        for k in 0..<info.num_attrs {
            let len = H5Aget_name_by_idx(object, ".", H5_INDEX_NAME, H5_ITER_INC, k, nil, 0, driftshim_h5p_default())
            guard len > 0 else { continue }
            var buffer = [CChar](repeating: 0, count: Int(len) + 1)
            H5Aget_name_by_idx(object, ".", H5_INDEX_NAME, H5_ITER_INC, k, &buffer, buffer.count, driftshim_h5p_default())
            names.append(String(cString: buffer))
        }
        return names
    }
}

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
