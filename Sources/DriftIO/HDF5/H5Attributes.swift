import CDriftShim
import CHDF5
import Foundation

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
            // attribute (h5py writes str so) read as absent (found with Tests/Fuzz/FuzzH5Attr.swift).
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
    /// Tests/Fuzz/FuzzH5Attr.swift). Attributes of any other shape are treated as absent.
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
