import CDriftShim
import CHDF5
import Foundation

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
