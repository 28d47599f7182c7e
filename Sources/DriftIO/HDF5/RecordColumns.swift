import CDriftShim
import CHDF5

/// Columns of a compound dataset taken from its whole records, read in the file's own layout (HDF5
/// copies them without converting; a column read by `HDF5Dataset.readColumn` is converted member by
/// member, with a pass over the file each): for the common case of single-precision and integer
/// columns, stored little-endian, as Picasso and `driftmpi simulate` write them.
struct RecordColumns {
    /// How one member's bytes become a value.
    enum Kind { case float32, uint8, uint16, int16, uint32, int32, int64 }

    /// Byte offset in a record and kind of each member asked for.
    let members: [(offset: Int, kind: Kind)]
    /// Bytes of a record.
    let recordSize: Int

    /// The members `names` of `type` (a compound), or nil where one is missing or not one of `Kind`'s,
    /// or where a record holds variable-length data (which a raw read would hand over as pointers).
    init?(type: hid_t, names: [String]) {
        guard H5Tget_class(type) == H5T_COMPOUND, H5Tdetect_class(type, H5T_VLEN) == 0,
              H5Tdetect_class(type, H5T_STRING) == 0 else { return nil }
        let kinds: [(hid_t, Kind)] = [(driftshim_h5t_ieee_f32le(), .float32), (driftshim_h5t_std_u8le(), .uint8),
                                      (driftshim_h5t_std_u16le(), .uint16), (driftshim_h5t_std_i16le(), .int16),
                                      (driftshim_h5t_std_u32le(), .uint32), (driftshim_h5t_std_i32le(), .int32),
                                      (driftshim_h5t_std_i64le(), .int64)]
        var members: [(Int, Kind)] = []
        for name in names {
            let k = H5Tget_member_index(type, name)
            guard k >= 0 else { return nil }
            let member = H5Handle(H5Tget_member_type(type, UInt32(k)), close: H5Tclose)
            guard let kind = kinds.first(where: { H5Tequal(member.id, $0.0) > 0 })?.1 else { return nil }
            members.append((Int(H5Tget_member_offset(type, UInt32(k))), kind))
        }
        self.members = members
        recordSize = H5Tget_size(type)
    }

    /// Member m of `count` records from `records` (`recordSize` bytes apart), written to `out`: as
    /// Float (a float32 member).
    func copy(_ m: Int, of records: UnsafeRawPointer, count: Int, to out: UnsafeMutablePointer<Float>) {
        let o = members[m].offset, size = recordSize
        for r in 0..<count { out[r] = records.loadUnaligned(fromByteOffset: r * size + o, as: Float.self) }
    }

    /// The same for an integer member, as Int64.
    func copy(_ m: Int, of records: UnsafeRawPointer, count: Int, to out: UnsafeMutablePointer<Int64>) {
        let o = members[m].offset, size = recordSize
        func each<T: FixedWidthInteger>(_: T.Type) {
            for r in 0..<count { out[r] = Int64(T(littleEndian: records.loadUnaligned(fromByteOffset: r * size + o, as: T.self))) }
        }
        switch members[m].kind {
        case .uint8: each(UInt8.self)
        case .uint16: each(UInt16.self)
        case .int16: each(Int16.self)
        case .uint32: each(UInt32.self)
        case .int32: each(Int32.self)
        case .int64: each(Int64.self)
        case .float32: preconditionFailure("a float32 member read as an integer")
        }
    }
}

extension HDF5Dataset {
    /// Of rows `rows` of this compound dataset, the single-precision members `floats` and the
    /// integer member `integer` (as Int64), with the values `readColumn` gives, from one read of whole
    /// records in blocks of `blockRows` (so the records in memory stay a few MiB). nil where a member
    /// is not a little-endian float32 (`floats`) or uint8, uint16, int16, uint32, int32 or int64
    /// (`integer`), where the dataset is not a one-dimensional table of such records or `rows` is
    /// not inside it, or on a big-endian machine: then `readColumn` reads them, converting (and
    /// names what is wrong).
    public func readRecordColumns(floats: [String], integer: String, rows: Range<Int>,
                                  blockRows: Int = 1 << 16) throws -> (floats: [[Float]], integer: [Int64])? {
        guard 1.littleEndian == 1, shape.count == 1, rows.lowerBound >= 0, rows.upperBound <= shape[0] else { return nil }
        let type = H5Handle(H5Dget_type(id), close: H5Tclose)
        defer { withExtendedLifetime(type) {} }
        guard let layout = RecordColumns(type: type.id, names: floats + [integer]),
              layout.members.prefix(floats.count).allSatisfy({ $0.kind == .float32 }),
              layout.members.last!.kind != .float32 else { return nil }
        // The columns at their full length, uninitialised: every value is written below, block by block.
        let n = rows.count
        var outFloats = floats.indices.map { _ in [Float](unsafeUninitializedCapacity: n) { _, count in count = n } }
        var outInteger = [Int64](unsafeUninitializedCapacity: n) { _, count in count = n }
        let recordType = H5Type(handle: type), last = floats.count
        var records: [UInt8] = []      // one block's records, the same memory for every block
        for start in stride(from: rows.lowerBound, to: rows.upperBound, by: blockRows) {
            let block = start..<min(start + blockRows, rows.upperBound)
            let at = start - rows.lowerBound
            _ = try readRecords(rows: block, type: recordType, into: &records)
            records.withUnsafeBytes { raw in
                for k in floats.indices {
                    outFloats[k].withUnsafeMutableBufferPointer { layout.copy(k, of: raw.baseAddress!, count: block.count, to: $0.baseAddress! + at) }
                }
                outInteger.withUnsafeMutableBufferPointer { layout.copy(last, of: raw.baseAddress!, count: block.count, to: $0.baseAddress! + at) }
            }
        }
        return (outFloats, outInteger)
    }
}
