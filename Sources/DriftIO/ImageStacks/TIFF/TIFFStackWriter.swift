import CTIFF
import DriftCore
import Foundation

/// Writes a time-lapse image stack as an uncompressed multi-page TIFF through libtiff, with ImageJ
/// hyperstack metadata, so that ImageJ/Fiji, tifffile and `TIFFStack` read it as `timePoints` x
/// `depth` planes (one page per plane, z fastest, then t).
///
/// Page 0 carries the ImageDescription
/// `ImageJ=1.11a\nimages=N\nslices=D\nframes=T\nhyperstack=true\n` (+ `unit=micron\n` and, in 3D
/// with a z step, `spacing=Z\n`) and, with a voxel size, XResolution/YResolution = pixels per micron
/// (ResolutionUnit none, as ImageJ writes).
///
/// Layout: ImageJ reads a stack whose description says `images=N` from page 0's data offset as N
/// planes stored back to back, ignoring every other directory (tifffile does the same when the data
/// could fit before page 1's directory). So the writer stores all N directories first, each with an
/// empty strip, and then appends the planes in page order after them, filling in each directory's
/// StripOffsets/StripByteCounts in place (libtiff's update mode, "r+", and
/// TIFFForceStrileArrayWriting). The pixel data are therefore one contiguous block.
///
/// Several processes can write one file in turn: the first creates it (`append: false`, which writes
/// all the directories) and writes its time points, closes; each next one opens it with
/// `append: true` and adds its own after those already written. Pages not yet written hold no data
/// (`TIFFStack` refuses to read them). libtiff's append mode ("a") is not used: it would put each
/// new directory between the planes, and ImageJ would read garbage.
///
/// Values are converted to `sampleType`: integer types round half away from zero and clip to the
/// type's range (NaN becomes 0); float32 and float64 store the value. ImageJ itself opens uint8,
/// uint16, int16 and float32 (other types need tifffile or Bio-Formats), and classic TIFF only
/// (BigTIFF needs Bio-Formats in Fiji). The file is written in place (not under a temporary name).
public final class TIFFStackWriter {
    public let path: String
    public let width: Int
    public let height: Int
    public let depth: Int
    /// Time points of the whole stack (all writing sessions together).
    public let timePoints: Int
    public let sampleType: ImageSampleType
    public let voxelSizeNm: SIMD3<Double>?
    public let isBigTIFF: Bool
    /// Time points the file holds now (from earlier sessions and this one).
    public var timePointsWritten: Int { pagesWritten / depth }

    private var file: TIFFHandle?
    private var pagesWritten: Int
    private var buffer: UnsafeMutableRawBufferPointer

    /// Data larger than this (bytes, pixels plus directories) are written as BigTIFF when `bigTIFF` is nil.
    public static let bigTIFFThreshold = 3_900_000_000

    /// Creates `path` (replacing it) with the directories of all `timePoints`, or with `append` opens a
    /// file this writer created for the same stack, to add time points after those it holds.
    /// `bigTIFF` nil: BigTIFF when the data exceed ~3.9 GB (when appending: whatever the file is).
    public init(path: String, width: Int, height: Int, depth: Int, timePoints: Int, sampleType: ImageSampleType,
                voxelSizeNm: SIMD3<Double>?, bigTIFF: Bool? = nil, append: Bool = false) throws {
        self.path = path
        self.width = width
        self.height = height
        self.depth = depth
        self.timePoints = timePoints
        self.sampleType = sampleType
        self.voxelSizeNm = voxelSizeNm
        guard width >= 1, height >= 1, depth >= 1, timePoints >= 1,
              width <= Int(UInt32.max), height <= Int(UInt32.max), depth * timePoints <= Int(UInt32.max) - 1 else {
            throw FileFormatError(path, "cannot write a TIFF stack of \(timePoints) x \(depth) x \(height) x \(width)")
        }
        if let v = voxelSizeNm {
            guard v.x > 0, v.y > 0, v.z >= 0, v.x.isFinite, v.y.isFinite, v.z.isFinite else {
                throw FileFormatError(path, "voxel size \(v.x), \(v.y), \(v.z) nm: x and y must be positive, z at least 0")
            }
        }
        let pages = depth * timePoints
        let planeBytes = width * height * sampleType.size

        if append {
            let existing = try Self.inspect(path: path, width: width, height: height, depth: depth,
                                            timePoints: timePoints, sampleType: sampleType)
            if let bigTIFF, bigTIFF != existing.bigTIFF {
                throw FileFormatError(path, "is \(existing.bigTIFF ? "a BigTIFF" : "a classic TIFF") file, but bigTIFF: \(bigTIFF) was asked")
            }
            isBigTIFF = existing.bigTIFF
            pagesWritten = existing.pages
        } else {
            let estimate = pages * (planeBytes + 512) + 65536
            isBigTIFF = bigTIFF ?? (estimate > Self.bigTIFFThreshold)
            pagesWritten = 0
            try Self.writeDirectories(path: path, pages: pages, bigTIFF: isBigTIFF, tags: { tif, page in
                Self.setTags(tif, page: page, width: width, height: height, depth: depth, timePoints: timePoints,
                             sampleType: sampleType, voxelSizeNm: voxelSizeNm)
            })
        }
        switch TIFFHandle.open(path, mode: "r+") {
        case .success(let handle): file = handle
        case .failure(let failure):
            let reason = failure.errno != 0 ? String(cString: strerror(failure.errno)) : failure.message
            throw FileFormatError(path, "cannot open the file to write pixel data (\(reason))")
        }
        // Last, after every throw: a throwing initializer does not run deinit, which frees it.
        buffer = .allocate(byteCount: planeBytes, alignment: 16)
    }

    deinit {
        buffer.deallocate()
    }

    /// Writes the next time point: `depth * height * width` values, x fastest, then y, then z.
    public func append(timePoint values: [Float]) throws {
        guard let file else { throw FileFormatError(path, "the TIFF writer is closed") }
        let plane = width * height
        guard values.count == depth * plane else {
            throw FileFormatError(path, "a time point needs \(depth * plane) values (\(depth) x \(height) x \(width)), "
                + "got \(values.count)")
        }
        guard pagesWritten + depth <= depth * timePoints else {
            throw FileFormatError(path, "all \(timePoints) time points are already written")
        }
        try values.withUnsafeBufferPointer { all in
            for z in 0..<depth {
                try writePage(file, UnsafeBufferPointer(rebasing: all[(z * plane)..<((z + 1) * plane)]))
            }
        }
    }

    /// Finishes the file; the writer cannot be used afterwards. Further calls do nothing.
    public func close() throws {
        guard let file else { return }
        self.file = nil
        let (ok, detail) = file.close()
        guard ok else { throw FileFormatError(path, "cannot finish the TIFF file\(detail)") }
    }

    /// The ImageJ description on page 0.
    static func imageJDescription(depth: Int, timePoints: Int, voxelSizeNm: SIMD3<Double>?) -> String {
        var text = "ImageJ=1.11a\nimages=\(depth * timePoints)\nslices=\(depth)\nframes=\(timePoints)\nhyperstack=true\n"
        if let v = voxelSizeNm {
            text += "unit=micron\n"
            if depth > 1 && v.z > 0 { text += "spacing=\(v.z / 1000)\n" }
        }
        return text
    }

    /// The tags of every page (and the ImageJ description and resolution on page 0).
    private static func setTags(_ tif: OpaquePointer, page: Int, width: Int, height: Int, depth: Int, timePoints: Int,
                                sampleType: ImageSampleType, voxelSizeNm: SIMD3<Double>?) -> Bool {
        var ok = ctiff_set_u32(tif, UInt32(TIFFTAG_IMAGEWIDTH), UInt32(width)) == 1
        ok = ok && ctiff_set_u32(tif, UInt32(TIFFTAG_IMAGELENGTH), UInt32(height)) == 1
        ok = ok && ctiff_set_u16(tif, UInt32(TIFFTAG_BITSPERSAMPLE), UInt16(sampleType.size * 8)) == 1
        let format = sampleType == .float32 || sampleType == .float64 ? SAMPLEFORMAT_IEEEFP
            : sampleType == .int16 || sampleType == .int32 ? SAMPLEFORMAT_INT : SAMPLEFORMAT_UINT
        ok = ok && ctiff_set_u16(tif, UInt32(TIFFTAG_SAMPLEFORMAT), UInt16(format)) == 1
        ok = ok && ctiff_set_u16(tif, UInt32(TIFFTAG_SAMPLESPERPIXEL), 1) == 1
        ok = ok && ctiff_set_u16(tif, UInt32(TIFFTAG_PHOTOMETRIC), UInt16(PHOTOMETRIC_MINISBLACK)) == 1
        ok = ok && ctiff_set_u16(tif, UInt32(TIFFTAG_PLANARCONFIG), UInt16(PLANARCONFIG_CONTIG)) == 1
        ok = ok && ctiff_set_u16(tif, UInt32(TIFFTAG_COMPRESSION), UInt16(COMPRESSION_NONE)) == 1
        ok = ok && ctiff_set_u32(tif, UInt32(TIFFTAG_ROWSPERSTRIP), UInt32(height)) == 1  // one strip per page
        if page == 0 {
            let description = imageJDescription(depth: depth, timePoints: timePoints, voxelSizeNm: voxelSizeNm)
            ok = ok && ctiff_set_string(tif, UInt32(TIFFTAG_IMAGEDESCRIPTION), description) == 1
            ok = ok && ctiff_set_string(tif, UInt32(TIFFTAG_SOFTWARE), "driftmpi \(DriftmpiVersion.string)") == 1
            if let v = voxelSizeNm {
                ok = ok && ctiff_set_double(tif, UInt32(TIFFTAG_XRESOLUTION), 1000 / v.x) == 1
                ok = ok && ctiff_set_double(tif, UInt32(TIFFTAG_YRESOLUTION), 1000 / v.y) == 1
                ok = ok && ctiff_set_u16(tif, UInt32(TIFFTAG_RESOLUTIONUNIT), UInt16(RESUNIT_NONE)) == 1
            }
        }
        return ok
    }

    /// Creates the file with `pages` directories whose one strip is empty (offset and size 0).
    private static func writeDirectories(path: String, pages: Int, bigTIFF: Bool,
                                         tags: (OpaquePointer, Int) -> Bool) throws {
        let file: TIFFHandle
        switch TIFFHandle.open(path, mode: bigTIFF ? "w8" : "w") {
        case .success(let handle): file = handle
        case .failure(let failure):
            let reason = failure.errno != 0 ? String(cString: strerror(failure.errno)) : failure.message
            throw FileFormatError(path, "cannot create the file (\(reason))")
        }
        for page in 0..<pages {
            let before = file.errorCount
            // TIFFWriteCheck sets up the (empty) strip arrays, so the directory lists its strip.
            guard tags(file.tif, page), TIFFWriteCheck(file.tif, 0, "TIFFStackWriter") == 1,
                  TIFFWriteDirectory(file.tif) == 1 else {
                throw FileFormatError(path, "page \(page): cannot write its directory\(file.detail(since: before))")
            }
        }
        let (ok, detail) = file.close()
        guard ok else { throw FileFormatError(path, "cannot write the TIFF directories\(detail)") }
    }

    /// Appends one plane after the data already in the file and records it in its page's directory.
    private func writePage(_ file: TIFFHandle, _ values: UnsafeBufferPointer<Float>) throws {
        let tif = file.tif
        let page = pagesWritten
        let before = file.errorCount
        if Int(TIFFCurrentDirectory(tif)) != page {
            guard TIFFSetDirectory(tif, tdir_t(page)) == 1 else {
                throw FileFormatError(path, "page \(page): cannot read its directory\(file.detail(since: before))")
            }
        }
        let bytes = values.count * sampleType.size
        convert(values, into: buffer.baseAddress!)
        let written = TIFFWriteEncodedStrip(tif, 0, buffer.baseAddress!, tmsize_t(bytes))
        guard Int(written) == bytes, TIFFForceStrileArrayWriting(tif) == 1, file.errorCount == before else {
            throw FileFormatError(path, "page \(page): cannot write its pixel data\(file.detail(since: before))")
        }
        pagesWritten += 1
    }

    private func convert(_ values: UnsafeBufferPointer<Float>, into out: UnsafeMutableRawPointer) {
        func store<T>(_: T.Type, _ cast: (Double) -> T) {
            let o = out.assumingMemoryBound(to: T.self)
            let range = sampleType.range!
            for (i, v) in values.enumerated() {
                o[i] = cast(v.isNaN ? 0 : min(max(Double(v).rounded(.toNearestOrAwayFromZero), range.lowerBound),
                                             range.upperBound))
            }
        }
        switch sampleType {
        case .uint8: store(UInt8.self) { UInt8($0) }
        case .uint16: store(UInt16.self) { UInt16($0) }
        case .int16: store(Int16.self) { Int16($0) }
        case .uint32: store(UInt32.self) { UInt32($0) }
        case .int32: store(Int32.self) { Int32($0) }
        case .float32:
            let o = out.assumingMemoryBound(to: Float.self)
            for (i, v) in values.enumerated() { o[i] = v }
        case .float64:
            let o = out.assumingMemoryBound(to: Double.self)
            for (i, v) in values.enumerated() { o[i] = Double(v) }
        }
    }

    /// Checks that `path` is a file this writer started for the same stack and returns its page count.
    private static func inspect(path: String, width: Int, height: Int, depth: Int, timePoints: Int,
                                sampleType: ImageSampleType) throws -> (pages: Int, bigTIFF: Bool) {
        let file = try TIFFHandle.openForReading(path)
        let bigTIFF = TIFFIsBigTIFF(file.tif) != 0
        let expected = imageJDescription(depth: depth, timePoints: timePoints, voxelSizeNm: nil)
        guard let description = file.string(tag: TIFFTAG_IMAGEDESCRIPTION),
              let found = ImageJDescription(description), let wanted = ImageJDescription(expected),
              ["images", "slices", "frames"].allSatisfy({ found.values[$0] == wanted.values[$0] }) else {
            throw FileFormatError(path, "cannot append: the file is not a TIFF stack of \(timePoints) time points x "
                + "\(depth) slices started by this writer")
        }
        let formats = try file.scanPages()
        guard formats.count == depth * timePoints else {
            throw FileFormatError(path, "cannot append: the file has \(formats.count) pages, not \(depth * timePoints)")
        }
        for (page, format) in formats.enumerated() {
            guard format.samplesPerPixel == 1, format.width == width, format.height == height,
                  format.sampleType == sampleType else {
                throw FileFormatError(path, "cannot append: page \(page) is not \(width) x \(height) \(sampleType.rawValue)")
            }
        }
        // Pages written so far: a leading run with data, the rest empty.
        let written = formats.firstIndex { $0.firstStripBytes == 0 } ?? formats.count
        guard formats[written...].allSatisfy({ $0.firstStripBytes == 0 && $0.firstStripOffset == 0 }) else {
            throw FileFormatError(path, "cannot append: pages with pixel data follow page \(written), which has none")
        }
        guard written % depth == 0, written < formats.count else {
            throw FileFormatError(path, written % depth != 0
                ? "cannot append: the file holds \(written) planes, not whole time points of \(depth) slices"
                : "cannot append: all \(timePoints) time points are already written")
        }
        return (written, bigTIFF)
    }
}
