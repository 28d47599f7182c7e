// libFuzzer target: HDF5 attributes and small datasets as driftmpi's HDF5 readers meet them.
//
// libhdf5's own file parser is not the target (it is not hardened against hostile files, and its
// crashes are not driftmpi's to fix). Instead the input describes a small, valid HDF5 file: the
// attributes (any class, size, byte order and dataspace, any bytes) on the objects driftmpi reads
// (`/`, `/ImageData`, `/MetaData`, `/MetaData/voxelsize`, `/drift/xyz`) and the contents of
// `/drift/frame` and `/drift/xyz`. libhdf5 writes it, and driftmpi's readers read it back: the typed
// attribute accessors, PYMEImageStack (SizeZ, SizeT, voxel size), DriftResult and DriftCurve.
import CDriftShim
import CHDF5
import DriftIO
import Foundation

private let h5 = FuzzFile("input.h5")

private let objects = ["/", "/ImageData", "/MetaData", "/MetaData/voxelsize", "/drift/xyz"]
private let names = ["SizeZ", "SizeT", "SizeC", "x", "y", "z", "unit", "units", "dims", "frame_base",
                     "created", "command", "points", "drift_sign", "EXTDIM", "CLASS"]

/// One attribute type from the input (the caller closes it).
private func attributeType(_ input: inout FuzzBytes) -> (type: hid_t, variableString: Bool) {
    switch input.pick(8) {
    case 0, 1:  // integers: 1, 2, 4, 8 bytes, signed or not, either byte order
        let bases = [driftshim_h5t_native_uint8(), driftshim_h5t_native_uint16(), driftshim_h5t_native_uint32(),
                     driftshim_h5t_native_int64()]
        let t = H5Tcopy(bases[input.pick(4)])
        H5Tset_sign(t, input.bool() ? H5T_SGN_2 : H5T_SGN_NONE)
        if input.bool() { H5Tset_order(t, H5T_ORDER_BE) }
        return (t, false)
    case 2:  // floats
        let t = H5Tcopy(input.bool() ? driftshim_h5t_native_double() : driftshim_h5t_native_float())
        if input.bool() { H5Tset_order(t, H5T_ORDER_BE) }
        return (t, false)
    case 3:  // fixed-length strings, any padding and character set
        let t = H5Tcopy(driftshim_h5t_c_s1())
        H5Tset_size(t, 1 + input.pick(48))
        H5Tset_strpad(t, [H5T_STR_NULLTERM, H5T_STR_NULLPAD, H5T_STR_SPACEPAD][input.pick(3)])
        H5Tset_cset(t, input.bool() ? H5T_CSET_UTF8 : H5T_CSET_ASCII)
        return (t, false)
    case 4:  // variable-length strings
        let t = H5Tcopy(driftshim_h5t_c_s1())
        H5Tset_size(t, driftshim_h5t_variable())
        H5Tset_cset(t, input.bool() ? H5T_CSET_UTF8 : H5T_CSET_ASCII)
        return (t, true)
    case 5:  // a compound of an integer and a double
        let t = H5Tcreate(H5T_COMPOUND, 16)
        H5Tinsert(t, "i", 0, driftshim_h5t_native_int64())
        H5Tinsert(t, "d", 8, driftshim_h5t_native_double())
        return (t, false)
    case 6:  // an array type of 1 to 4 doubles or integers
        var dims: hsize_t = hsize_t(1 + input.pick(4))
        return (H5Tarray_create2(input.bool() ? driftshim_h5t_native_double() : driftshim_h5t_native_int32(), 1, &dims), false)
    default:  // opaque bytes
        let t = H5Tcreate(H5T_OPAQUE, 1 + input.pick(16))
        return (t, false)
    }
}

/// A dataspace from the input: scalar, null, or 1 or 2 dimensions of up to 4 (the caller closes it).
private func dataspace(_ input: inout FuzzBytes) -> (space: hid_t, elements: Int) {
    switch input.pick(4) {
    case 0: return (H5Screate(H5S_NULL), 0)
    case 1:
        var dims: [hsize_t] = [hsize_t(input.pick(5))]
        return (H5Screate_simple(1, &dims, nil), Int(dims[0]))
    case 2:
        var dims: [hsize_t] = [hsize_t(1 + input.pick(3)), hsize_t(1 + input.pick(3))]
        return (H5Screate_simple(2, &dims, nil), Int(dims[0] * dims[1]))
    default: return (H5Screate(H5S_SCALAR), 1)
    }
}

/// Scalar variable-length string attributes as written ("object name" -> text): each must read back
/// as written (an oracle beyond "no crash").
private var expectedStrings: [String: String] = [:]

private func writeAttribute(_ input: inout FuzzBytes, on object: hid_t, named objectName: String) {
    let name = input.pick(8) == 0 ? String(decoding: input.take(1 + input.pick(6)).map { $0 % 94 + 33 }, as: UTF8.self)
                                  : names[input.pick(names.count)]
    let (type, variable) = attributeType(&input)
    defer { H5Tclose(type) }
    let (space, elements) = dataspace(&input)
    defer { H5Sclose(space) }
    if H5Aexists(object, name) > 0 { H5Adelete(object, name) }
    expectedStrings["\(objectName) \(name)"] = nil
    let a = H5Acreate2(object, name, type, space, driftshim_h5p_default(), driftshim_h5p_default())
    guard a >= 0 else { return }
    defer { H5Aclose(a) }
    guard elements > 0 else { return }
    if variable {
        var strings: [UnsafeMutablePointer<CChar>?] = (0..<elements).map { _ in
            if input.pick(8) == 0 { return nil }
            let bytes = input.take(input.pick(24)).map { $0 == 0 ? 0x20 : $0 }
            return strdup(String(decoding: bytes, as: UTF8.self))
        }
        defer { strings.forEach { free($0) } }
        if H5Awrite(a, type, &strings) >= 0, elements == 1, H5Sget_simple_extent_type(space) == H5S_SCALAR, let s = strings[0] {
            expectedStrings["\(objectName) \(name)"] = String(cString: s)
        }
    } else {
        let size = H5Tget_size(type) * elements
        var bytes = input.take(size)
        bytes += [UInt8](repeating: 0, count: size - bytes.count)
        H5Awrite(a, type, &bytes)
    }
}

private func group(_ file: hid_t, _ name: String) {
    let g = H5Gcreate2(file, name, driftshim_h5p_default(), driftshim_h5p_default(), driftshim_h5p_default())
    if g >= 0 { H5Gclose(g) }
}

private func dataset(_ file: hid_t, _ name: String, _ type: hid_t, _ dims: [Int], _ values: [UInt8]) {
    var d = dims.map { hsize_t($0) }
    let space = H5Screate_simple(Int32(d.count), &d, nil)
    defer { H5Sclose(space) }
    let set = H5Dcreate2(file, name, type, space, driftshim_h5p_default(), driftshim_h5p_default(), driftshim_h5p_default())
    guard set >= 0 else { return }
    defer { H5Dclose(set) }
    var bytes = values
    bytes += [UInt8](repeating: 0, count: dims.reduce(1, *) * H5Tget_size(type) - bytes.count)
    H5Dwrite(set, type, driftshim_h5s_all(), driftshim_h5s_all(), driftshim_h5p_default(), &bytes)
}

/// Builds the file the input describes; false if libhdf5 refused.
private func build(_ input: inout FuzzBytes) -> Bool {
    driftshim_h5_silence_errors()
    let file = H5Fcreate(h5.path, driftshim_h5f_acc_trunc(), driftshim_h5p_default(), driftshim_h5p_default())
    guard file >= 0 else { return false }
    defer { H5Fclose(file) }
    // /ImageData: planes x 2 x 3 uint16 (what PYMEImageStack reads), /MetaData/voxelsize, /drift.
    let planes = 1 + input.pick(6)
    dataset(file, "/ImageData", driftshim_h5t_native_uint16(), [planes, 2, 3], input.take(planes * 12))
    group(file, "/MetaData")
    group(file, "/MetaData/voxelsize")
    group(file, "/drift")
    let frames = 1 + input.pick(4)
    dataset(file, "/drift/frame", driftshim_h5t_native_int64(), [frames], input.take(frames * 8))
    dataset(file, "/drift/xyz", driftshim_h5t_native_double(), [frames, 3], input.take(frames * 24))
    while !input.isEmpty {
        let name = objects[input.pick(objects.count)]
        let object = H5Oopen(file, name, driftshim_h5p_default())
        guard object >= 0 else { continue }
        writeAttribute(&input, on: object, named: name)
        H5Oclose(object)
    }
    return true
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzH5Attr(_ data: UnsafePointer<UInt8>, _ n: Int) -> CInt {
    var input = FuzzBytes(data, n)
    expectedStrings = [:]
    guard build(&input) else { return 0 }
    if let file = attempt("open", { try HDF5File.openReadOnly(h5.path) }) {
        for object in objects {
            for name in (try? file.attributeNames(on: object)) ?? [] {
                let text = attempt("\(object) \(name) string") { try file.stringAttribute(name, on: object) }
                if let expected = expectedStrings["\(object) \(name)"], (text ?? nil) != expected {
                    fatalError("string attribute \(object) \(name) written as \(expected.debugDescription), read as \(String(describing: text))")
                }
                attempt("\(object) \(name) double") { try file.doubleAttribute(name, on: object) }
                attempt("\(object) \(name) int64") { try file.int64Attribute(name, on: object) }
            }
        }
    }
    if let stack = attempt("PYMEImageStack", { try PYMEImageStack(path: h5.path) }) {
        attempt("PYMEImageStack read") { try stack.read(timePoints: 0..<1).count }
    }
    attempt("DriftResult") { try DriftResult.read(path: h5.path).frames }
    attempt("DriftCurve nm") { try DriftCurve.read(path: h5.path).firstFrame }
    attempt("DriftCurve px") { try DriftCurve.read(path: h5.path, pixelsOf: (SIMD3(100, 100, 0), "stack.tif")).firstFrame }
    return 0
}
