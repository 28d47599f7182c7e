import CDriftShim
import CHDF5
import Foundation

/// An open dataset. Rows are the first dimension; reads and writes take a row range, so each process
/// can touch only its own rows (hyperslab selections).
public final class HDF5Dataset {
    public let name: String
    let file: HDF5File
    let handle: H5Handle
    var id: hid_t { handle.id }

    init(file: HDF5File, name: String, id: hid_t) {
        self.file = file
        self.name = name
        handle = H5Handle(id, close: H5Dclose)
    }

    /// Dimensions of the dataset.
    public var shape: [Int] {
        let space = H5Handle(H5Dget_space(id), close: H5Sclose)
        defer { withExtendedLifetime(space) {} }
        let rank = Int(H5Sget_simple_extent_ndims(space.id))
        guard rank > 0 else { return [] }
        var dims = [hsize_t](repeating: 0, count: rank)
        H5Sget_simple_extent_dims(space.id, &dims, nil)
        return dims.map { Int($0) }
    }

    /// Number of rows (first dimension; 1 for a scalar).
    public var rowCount: Int { shape.first ?? 1 }

    /// Whether the element type is a compound (a table of named columns).
    public var isCompound: Bool {
        let t = H5Handle(H5Dget_type(id), close: H5Tclose)
        defer { withExtendedLifetime(t) {} }
        return H5Tget_class(t.id) == H5T_COMPOUND
    }

    /// Names and HDF5 classes of a compound dataset's members, in file order.
    public var members: [(name: String, isFloat: Bool, isInteger: Bool, size: Int)] {
        let t = H5Handle(H5Dget_type(id), close: H5Tclose)
        defer { withExtendedLifetime(t) {} }
        guard H5Tget_class(t.id) == H5T_COMPOUND else { return [] }
        let n = H5Tget_nmembers(t.id)
        var out: [(String, Bool, Bool, Int)] = []
        for k in 0..<UInt32(max(n, 0)) {
            guard let cname = H5Tget_member_name(t.id, k) else { continue }
            let name = String(cString: cname)
            H5free_memory(cname)
            let cls = H5Tget_member_class(t.id, k)
            let mt = H5Handle(H5Tget_member_type(t.id, k), close: H5Tclose)
            defer { withExtendedLifetime(mt) {} }
            out.append((name, cls == H5T_FLOAT, cls == H5T_INTEGER, H5Tget_size(mt.id)))
        }
        return out
    }

    /// Selects rows `rows` (all other dimensions whole) in a copy of the file space, and makes the
    /// matching memory space. An empty range selects nothing (a process with no rows still joins a
    /// collective transfer).
    func selection(rows: Range<Int>) throws -> (file: H5Handle, memory: H5Handle, elements: Int) {
        let dims = shape
        let fileSpace = H5Handle(H5Dget_space(id), close: H5Sclose)
        defer { withExtendedLifetime(fileSpace) {} }
        let inner = dims.dropFirst().reduce(1, *)
        guard !dims.isEmpty, rows.lowerBound >= 0, rows.upperBound <= dims[0] else {
            throw FileFormatError(file.path, "rows \(rows) outside dataset \(name) of \(dims.first ?? 0) rows")
        }
        var count = dims.map { hsize_t($0) }
        count[0] = hsize_t(rows.count)
        var start = [hsize_t](repeating: 0, count: dims.count)
        start[0] = hsize_t(rows.lowerBound)
        // The memory space has the file selection's shape (C order, the same bytes as a flat array):
        // with a flat one HDF5 1.10 maps a chunked selection to its chunks one element at a time
        // (measured: 0.7 s for 200 planes of 256 x 256, most of a run's time).
        var memDims = count
        memDims[0] = hsize_t(max(rows.count, 1))
        let memSpace = H5Handle(H5Screate_simple(Int32(memDims.count), &memDims, nil), close: H5Sclose)
        defer { withExtendedLifetime(memSpace) {} }
        if rows.isEmpty {
            H5Sselect_none(fileSpace.id)
            H5Sselect_none(memSpace.id)
        } else {
            H5Sselect_hyperslab(fileSpace.id, H5S_SELECT_SET, &start, nil, &count, nil)
        }
        return (fileSpace, memSpace, rows.count * inner)
    }

    /// Reads rows of a numeric dataset (converted to T).
    public func read<T: H5Element & Numeric>(rows: Range<Int>? = nil, as _: T.Type = T.self) throws -> [T] {
        let r = rows ?? 0..<rowCount
        let sel = try selection(rows: r)
        defer { withExtendedLifetime(sel) {} }
        var out = [T](repeating: 0, count: max(sel.elements, 1))
                let status = out.withUnsafeMutableBytes {
            H5Dread(id, T.h5.memoryType, sel.memory.id, sel.file.id, driftshim_h5p_default(), $0.baseAddress)
        }
        guard status >= 0 else { throw FileFormatError(file.path, "cannot read \(name)") }
        out.removeLast(out.count - sel.elements)
        return out
    }

    /// Every numeric leaf of a compound dataset's type, nested members named by their path with dots
    /// (`fitResults.x0` in PYME's tables), in file order.
    public var leafMembers: [(name: String, isFloat: Bool, isInteger: Bool, size: Int)] {
        let t = H5Handle(H5Dget_type(id), close: H5Tclose)
        defer { withExtendedLifetime(t) {} }
        var out: [(String, Bool, Bool, Int)] = []
        func walk(_ type: hid_t, _ prefix: String) {
            let n = H5Tget_nmembers(type)
            for k in 0..<UInt32(max(n, 0)) {
                guard let cname = H5Tget_member_name(type, k) else { continue }
                let name = prefix + String(cString: cname)
                H5free_memory(cname)
                let cls = H5Tget_member_class(type, k)
                let mt = H5Handle(H5Tget_member_type(type, k), close: H5Tclose)
                if cls == H5T_COMPOUND { walk(mt.id, name + ".") } else {
                    out.append((name, cls == H5T_FLOAT, cls == H5T_INTEGER, H5Tget_size(mt.id)))
                }
                withExtendedLifetime(mt) {}
            }
        }
        if H5Tget_class(t.id) == H5T_COMPOUND { walk(t.id, "") }
        return out
    }

    /// Reads one member (column) of a compound dataset over `rows`, converted to T. A nested member
    /// is named by its path with dots (`fitResults.x0`).
    public func readColumn<T: H5Element & Numeric>(_ member: String, rows: Range<Int>, as _: T.Type = T.self) throws -> [T] {
        let sel = try selection(rows: rows)
        defer { withExtendedLifetime(sel) {} }
        // The memory type nests one compound per path component around the value.
        var types: [H5Handle] = []
        var inner = T.h5.memoryType
        for part in member.split(separator: ".").reversed() {
            let t = H5Handle(H5Tcreate(H5T_COMPOUND, T.h5.size), close: H5Tclose)
            H5Tinsert(t.id, String(part), 0, inner)
            types.append(t)
            inner = t.id
        }
        defer { withExtendedLifetime(types) {} }
        let mtype = types.last!
        var out = [T](repeating: 0, count: max(sel.elements, 1))
                let status = out.withUnsafeMutableBytes {
            H5Dread(id, mtype.id, sel.memory.id, sel.file.id, driftshim_h5p_default(), $0.baseAddress)
        }
        guard status >= 0 else { throw FileFormatError(file.path, "cannot read column '\(member)' of \(name)") }
        out.removeLast(out.count - sel.elements)
        return out
    }

    /// Writes rows `offset ..< offset + n` of a numeric dataset, where `values` holds n rows
    /// (n times the other dimensions). Collective when the file is open in parallel.
    public func write<T: H5Element>(_ values: [T], rowOffset: Int) throws {
        let inner = shape.dropFirst().reduce(1, *)
        precondition(values.count % max(inner, 1) == 0)
        let n = values.count / max(inner, 1)
        let sel = try selection(rows: rowOffset..<(rowOffset + n))
        defer { withExtendedLifetime(sel) {} }
        let dxpl = file.transferList()
        defer { withExtendedLifetime(dxpl) {} }
        // A process with nothing to write still joins a collective write, with a buffer of one value.
        let buffer = values.isEmpty ? [UInt8](repeating: 0, count: 8) : []
        let status = values.isEmpty
            ? buffer.withUnsafeBytes { H5Dwrite(id, T.h5.memoryType, sel.memory.id, sel.file.id, dxpl.id, $0.baseAddress) }
            : values.withUnsafeBytes { H5Dwrite(id, T.h5.memoryType, sel.memory.id, sel.file.id, dxpl.id, $0.baseAddress) }
        guard status >= 0 else { throw FileFormatError(file.path, "cannot write \(name)") }
    }

    /// The dataset's element type as stored in the file (to create a copy with the same type).
    public func fileType() -> H5Type { H5Type(handle: H5Handle(H5Dget_type(id), close: H5Tclose)) }

    /// Reads rows `rows` as whole records in `type`'s layout (every member, unconverted bytes).
    public func readRecords(rows: Range<Int>, type: H5Type) throws -> [UInt8] {
        var out: [UInt8] = []
        let count = try readRecords(rows: rows, type: type, into: &out)
        out.removeLast(out.count - count)
        return out
    }

    /// The same into the start of `buffer`, which grows as needed (replaced by a zero-filled one: its
    /// bytes are all read over) and never shrinks, so that one buffer serves a read in blocks; returns
    /// the bytes read (those after them are left from earlier reads).
    func readRecords(rows: Range<Int>, type: H5Type, into buffer: inout [UInt8]) throws -> Int {
        let sel = try selection(rows: rows)
        defer { withExtendedLifetime(sel) {} }
        let bytes = max(sel.elements, 1) * type.size
        // One fill (memset); appending `repeatElement` went element by element.
        if buffer.count < bytes { buffer = [UInt8](repeating: 0, count: bytes) }
        let status = buffer.withUnsafeMutableBytes {
            H5Dread(id, type.id, sel.memory.id, sel.file.id, driftshim_h5p_default(), $0.baseAddress)
        }
        guard status >= 0 else { throw FileFormatError(file.path, "cannot read \(name)") }
        return sel.elements * type.size
    }

    /// Writes rows of a compound dataset from packed records in the file's own layout.
    public func writeRecords(_ bytes: [UInt8], type: hid_t, rowOffset: Int) throws {
        let size = H5Tget_size(type)
        let n = bytes.count / size
        let sel = try selection(rows: rowOffset..<(rowOffset + n))
        defer { withExtendedLifetime(sel) {} }
        let dxpl = file.transferList()
        defer { withExtendedLifetime(dxpl) {} }
        // A process with no rows still joins a collective write, with a buffer of one record.
        let buffer = bytes.isEmpty ? [UInt8](repeating: 0, count: max(size, 1)) : bytes
        let status = buffer.withUnsafeBytes {
            H5Dwrite(id, type, sel.memory.id, sel.file.id, dxpl.id, $0.baseAddress)
        }
        guard status >= 0 else { throw FileFormatError(file.path, "cannot write \(name)") }
    }

    public func setAttribute(_ name: String, _ value: String) throws {
        try file.setAttribute(name, value, on: self.name)
    }

    public func stringAttribute(_ name: String) throws -> String? {
        try file.stringAttribute(name, on: self.name)
    }
}
