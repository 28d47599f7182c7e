import CTIFF
import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif

/// A multi-page TIFF file (classic or BigTIFF) read through libtiff as a time-lapse image stack.
///
/// Every page (directory) is one 2D plane; all the planes the stack uses must share width, height
/// and sample type. Samples: 8-, 16- and 32-bit unsigned, 16- and 32-bit signed integers, 32- and
/// 64-bit floats, one sample per pixel (RGB and other multi-sample pages are refused), in strips or
/// tiles, uncompressed or with any compression the system's libtiff decodes (deflate, LZW, ...).
///
/// How pages become time points and z slices:
///
/// - **ImageJ** (page 0's ImageDescription starts with `ImageJ=`): pages are ordered channel fastest,
///   then slice (z), then frame (t). `frames=` gives the time points and `slices=` the depth. When
///   `slices=` is given without `frames=`, the slices are taken as **time points** (depth 1): ImageJ
///   itself would call that a z-stack, but a plain stack saved by ImageJ (`images=N`, `slices=N`) is
///   far more often a time series of camera frames. Write `frames=` (as `TIFFStackWriter` does) to
///   mean a z-stack per time point. More than one channel is refused. `images=` must equal the page
///   count. The pixel size is 1 / XResolution (Y from YResolution) in the description's `unit=`
///   (micron, um, µm, nm, mm, cm; any other unit or none: no voxel size) and the z step is `spacing=`.
/// - **OME-TIFF** (page 0's ImageDescription holds OME-XML): the first `Image` of the XML is read:
///   `SizeX/Y/Z/C/T`, `DimensionOrder` and `TiffData` (page of each plane; planes in other files are
///   refused), `PhysicalSizeX/Y/Z` with their units (µm when not given). `SizeC` > 1 is refused.
/// - Otherwise every page is one time point, depth 1, and there is no voxel size.
///
/// `voxelSizeNm` has z = 0 for 2D stacks (and for 3D stacks whose file gives no z step).
/// The class keeps one libtiff handle open and must be used from one thread at a time.
public final class TIFFStack: ImageStack {
    /// How the file's pages were mapped to time points and slices.
    public enum Layout: String, Sendable {
        case plain, imageJ, ome
    }

    public let path: String
    public var formatName: String { "tiff" }
    public let timePoints: Int
    public let depth: Int
    public let height: Int
    public let width: Int
    public let voxelSizeNm: SIMD3<Double>?
    public let sampleType: ImageSampleType
    public let layout: Layout
    /// Pages (directories) in the file.
    public let pageCount: Int
    public let isBigTIFF: Bool

    private let file: TIFFHandle
    /// The page of (t, z) at index t * depth + z.
    private let pageOfPlane: [Int]
    private var scratch = UnsafeMutableRawBufferPointer(start: nil, count: 0)

    public init(path: String) throws {
        self.path = path
        file = try TIFFHandle.openForReading(path)
        isBigTIFF = TIFFIsBigTIFF(file.tif) != 0
        let description = file.string(tag: TIFFTAG_IMAGEDESCRIPTION)
        let resolution = file.resolution()
        let formats = try file.scanPages()
        pageCount = formats.count

        let map: PageMap
        if let description, let imageJ = ImageJDescription(description) {
            map = try PageMap(imageJ: imageJ, resolution: resolution, pageCount: formats.count, path: path)
        } else if let description, OMEMetadata.looksLikeOME(description) {
            map = try PageMap(ome: try OMEMetadata(description, path: path), pageCount: formats.count, path: path)
        } else {
            map = PageMap(plain: formats.count)
        }
        layout = map.layout
        timePoints = map.timePoints
        depth = map.depth
        pageOfPlane = map.pageOfPlane
        voxelSizeNm = map.voxelSizeNm

        // Every page used must be one supported sample per pixel, of the first used page's size and type.
        let used = map.layout == .ome ? Array(Set(map.pageOfPlane)).sorted() : Array(0..<formats.count)
        guard let first = used.first else { throw FileFormatError(path, "the file holds no pages") }
        let reference = try formats[first].checkedSampleType(page: first, path: path)
        for page in used {
            let type = try formats[page].checkedSampleType(page: page, path: path)
            let f = formats[page], r = formats[first]
            guard f.width == r.width, f.height == r.height, type == reference else {
                throw FileFormatError(path, "page \(page): \(f.width) x \(f.height) \(type.rawValue), but page \(first) is "
                    + "\(r.width) x \(r.height) \(reference.rawValue); all pages must share size and sample type")
            }
        }
        width = formats[first].width
        height = formats[first].height
        sampleType = reference
        let (plane, planeOverflow) = width.multipliedReportingOverflow(by: height)
        let (bytes, bytesOverflow) = plane.multipliedReportingOverflow(by: depth * 8)
        guard !planeOverflow, !bytesOverflow, bytes < Int(Int32.max) << 16 else {
            throw FileFormatError(path, "page \(first): \(width) x \(height) pixels\(depth > 1 ? " x \(depth) slices" : "") per time point is impossibly large")
        }
        if let sizes = map.omeSizeXY, sizes != (width, height) {
            throw FileFormatError(path, "OME-XML says SizeX=\(sizes.0) SizeY=\(sizes.1), but page \(first) is "
                + "\(width) x \(height)")
        }
    }

    deinit { scratch.deallocate() }

    /// Offset and size of the first strip or tile of every page, as libtiff presents them (to check
    /// how a file is laid out; libtiff splits one large uncompressed strip into ~8 KB strips).
    func firstStrips() throws -> [(offset: UInt64, bytes: UInt64)] {
        try file.scanPages().map { ($0.firstStripOffset, $0.firstStripBytes) }
    }

    /// The page (directory index) holding time point `t`, slice `z`.
    public func page(timePoint t: Int, z: Int) -> Int { pageOfPlane[t * depth + z] }

    public func read(timePoints range: Range<Int>) throws -> [Float] {
        guard range.lowerBound >= 0, range.upperBound <= timePoints else {
            throw FileFormatError(path, "time points \(range.lowerBound)..<\(range.upperBound) are outside 0..<\(timePoints)")
        }
        let plane = width * height
        let (count, overflow) = (range.count * depth).multipliedReportingOverflow(by: plane)
        guard !overflow else { throw FileFormatError(path, "time points \(range.lowerBound)..<\(range.upperBound) are too many to read at once") }
        var values = [Float](repeating: 0, count: count)
        try values.withUnsafeMutableBufferPointer { out in
            var offset = 0
            for t in range {
                for z in 0..<depth {
                    try readPage(pageOfPlane[t * depth + z], into: out.baseAddress! + offset)
                    offset += plane
                }
            }
        }
        return values
    }

    // MARK: Pixels

    private func readPage(_ page: Int, into out: UnsafeMutablePointer<Float>) throws {
        let tif = file.tif
        if Int(TIFFCurrentDirectory(tif)) != page {
            let before = file.errorCount
            guard TIFFSetDirectory(tif, tdir_t(page)) == 1 else {
                throw FileFormatError(path, "page \(page): cannot read its directory\(file.detail(since: before))")
            }
        }
        if TIFFGetStrileByteCount(tif, 0) == 0 {
            throw FileFormatError(path, "page \(page): holds no pixel data (an incomplete file?)")
        }
        let bytes = sampleType.size
        if TIFFIsTiled(tif) != 0 {
            var tileWidth: UInt32 = 0, tileHeight: UInt32 = 0
            guard file.u32(tag: TIFFTAG_TILEWIDTH, into: &tileWidth), file.u32(tag: TIFFTAG_TILELENGTH, into: &tileHeight),
                  tileWidth > 0, tileHeight > 0 else {
                throw FileFormatError(path, "page \(page): tiled, but the tile size is missing")
            }
            let tw = Int(tileWidth), th = Int(tileHeight)
            // A damaged tile size (4 billion rows) made the buffer below terabytes (found by
            // Fuzz/FuzzTIFF.swift): tiles may overhang the image, but not hold more than 4 pages or 64 MiB.
            let limit = max(4 * width * height * bytes, 64 << 20)
            let (tilePixels, overflow) = tw.multipliedReportingOverflow(by: th)
            guard !overflow, tilePixels <= limit / bytes, Int(TIFFTileSize(tif)) <= limit else {
                throw FileFormatError(path, "page \(page): tiles of \(tw) x \(th) pixels for a \(width) x \(height) image")
            }
            let tileBytes = tilePixels * bytes
            let buffer = scratchBuffer(max(tileBytes, Int(TIFFTileSize(tif))))
            for y0 in stride(from: 0, to: height, by: th) {
                for x0 in stride(from: 0, to: width, by: tw) {
                    let tile = TIFFComputeTile(tif, UInt32(x0), UInt32(y0), 0, 0)
                    let before = file.errorCount
                    let got = TIFFReadEncodedTile(tif, tile, buffer, tmsize_t(tileBytes))
                    guard got == tileBytes else {
                        throw FileFormatError(path, "page \(page): cannot read tile \(tile)\(file.detail(since: before))")
                    }
                    let columns = min(tw, width - x0)
                    for row in 0..<min(th, height - y0) {
                        convert(buffer + row * tw * bytes, to: out + (y0 + row) * width + x0, count: columns)
                    }
                }
            }
        } else {
            var rowsPerStrip: UInt32 = 0
            _ = file.u32Defaulted(tag: TIFFTAG_ROWSPERSTRIP, into: &rowsPerStrip)
            let rps = max(1, min(Int(rowsPerStrip), height))
            let strips = (height + rps - 1) / rps
            guard Int(TIFFNumberOfStrips(tif)) >= strips else {
                throw FileFormatError(path, "page \(page): \(TIFFNumberOfStrips(tif)) strips for \(height) rows of \(rps)")
            }
            let buffer = scratchBuffer(max(rps * width * bytes, Int(TIFFStripSize(tif))))
            for strip in 0..<strips {
                let rows = min(rps, height - strip * rps)
                let expected = rows * width * bytes
                let before = file.errorCount
                let got = TIFFReadEncodedStrip(tif, UInt32(strip), buffer, tmsize_t(expected))
                guard got == expected else {
                    throw FileFormatError(path, "page \(page): cannot read strip \(strip)\(file.detail(since: before))")
                }
                convert(buffer, to: out + strip * rps * width, count: rows * width)
            }
        }
    }

    private func scratchBuffer(_ bytes: Int) -> UnsafeMutableRawPointer {
        if scratch.count < bytes {
            scratch.deallocate()
            scratch = .allocate(byteCount: bytes, alignment: 16)
        }
        return scratch.baseAddress!
    }

    /// libtiff has already put the samples into this machine's byte order.
    private func convert(_ source: UnsafeRawPointer, to out: UnsafeMutablePointer<Float>, count: Int) {
        func copy<T>(_: T.Type, _ cast: (T) -> Float) {
            let s = source.assumingMemoryBound(to: T.self)
            for i in 0..<count { out[i] = cast(s[i]) }
        }
        switch sampleType {
        case .uint8: copy(UInt8.self) { Float($0) }
        case .uint16: copy(UInt16.self) { Float($0) }
        case .int16: copy(Int16.self) { Float($0) }
        case .uint32: copy(UInt32.self) { Float($0) }
        case .int32: copy(Int32.self) { Float($0) }
        case .float32: copy(Float.self) { $0 }
        case .float64: copy(Double.self) { Float($0) }
        }
    }
}

// MARK: - libtiff handle

/// An open libtiff file whose errors and warnings are collected (never printed), closed on deinit.
final class TIFFHandle {
    let path: String
    let tif: OpaquePointer
    private let messages: UnsafeMutablePointer<ctiff_messages>
    private var closed = false

    /// libtiff's process-wide handlers print to stderr; silenced once (per-file handlers collect the messages).
    private static let silenced: Void = ctiff_silence_global_handlers()

    private init(path: String, tif: OpaquePointer, messages: UnsafeMutablePointer<ctiff_messages>) {
        self.path = path
        self.tif = tif
        self.messages = messages
    }

    /// Opens `path` with a libtiff `mode`; on failure returns libtiff's first error message.
    static func open(_ path: String, mode: String) -> Result<TIFFHandle, OpenFailure> {
        _ = silenced
        let messages = UnsafeMutablePointer<ctiff_messages>.allocate(capacity: 1)
        messages.initialize(to: ctiff_messages())
        errno = 0
        guard let tif = ctiff_open(path, mode, messages) else {
            let failure = OpenFailure(message: messages.pointee.errors > 0 ? text(&messages.pointee.error) : "",
                                      errno: errno)
            messages.deallocate()
            return .failure(failure)
        }
        return .success(TIFFHandle(path: path, tif: tif, messages: messages))
    }

    struct OpenFailure: Error {
        var message: String
        var errno: Int32
    }

    /// Opens an existing file for reading, with driftmpi's messages for the usual failures.
    static func openForReading(_ path: String) throws -> TIFFHandle {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw FileFormatError(path, "no such file")
        }
        guard !isDirectory.boolValue else { throw FileFormatError(path, "is a directory, not a TIFF file") }
        guard access(path, R_OK) == 0 else {
            throw FileFormatError(path, "cannot read the file (\(String(cString: strerror(errno))))")
        }
        // "m": no memory mapping (a file cut while mapped would crash the process).
        switch open(path, mode: "rm") {
        case .success(let handle): return handle
        case .failure(let failure):
            let m = failure.message
            if m.contains("magic number") || m.contains("Cannot read TIFF header") || m.isEmpty {
                throw FileFormatError(path, "not a TIFF file")
            }
            throw FileFormatError(path, "not a readable TIFF file, truncated or damaged (libtiff: \(m))")
        }
    }

    deinit {
        if !closed { TIFFClose(tif) }
        messages.deallocate()
    }

    /// Closes the file (writing what libtiff still buffers); false if libtiff reported an error doing so.
    func close() -> (ok: Bool, detail: String) {
        guard !closed else { return (true, "") }
        let before = errorCount
        TIFFClose(tif)
        closed = true
        return (errorCount == before, detail(since: before))
    }

    var errorCount: UInt32 { messages.pointee.errors }

    /// " (libtiff: latest error)" if libtiff reported an error since `before`, else "".
    func detail(since before: UInt32) -> String {
        errorCount > before ? " (libtiff: \(Self.text(&messages.pointee.last_error)))" : ""
    }

    private static func text<T>(_ tuple: inout T) -> String {
        withUnsafeBytes(of: &tuple) { raw in
            let bytes = raw.prefix { $0 != 0 }
            return String(decoding: bytes, as: UTF8.self)
        }
    }

    // Fields of the current directory.

    func u16(tag: Int32, into value: inout UInt16) -> Bool { ctiff_get_u16(tif, UInt32(tag), &value) == 1 }
    func u32(tag: Int32, into value: inout UInt32) -> Bool { ctiff_get_u32(tif, UInt32(tag), &value) == 1 }
    func u16Defaulted(tag: Int32, into value: inout UInt16) -> Bool {
        ctiff_get_u16_defaulted(tif, UInt32(tag), &value) == 1
    }
    func u32Defaulted(tag: Int32, into value: inout UInt32) -> Bool {
        ctiff_get_u32_defaulted(tif, UInt32(tag), &value) == 1
    }

    /// An ASCII tag as text: UTF-8, or ISO Latin 1 when it is not valid UTF-8 (older ImageJ writes µ so).
    func string(tag: Int32) -> String? {
        var pointer: UnsafePointer<CChar>? = nil
        guard ctiff_get_string(tif, UInt32(tag), &pointer) == 1, let pointer else { return nil }
        let data = Data(bytes: pointer, count: strlen(pointer))
        return String(data: data, encoding: .utf8) ?? String(data: data, encoding: .isoLatin1)
    }

    /// XResolution and YResolution (pixels per unit) of the current directory, when set and positive.
    func resolution() -> (x: Double, y: Double)? {
        var x: Float = 0, y: Float = 0
        guard ctiff_get_float(tif, UInt32(TIFFTAG_XRESOLUTION), &x) == 1, x > 0, x.isFinite else { return nil }
        if ctiff_get_float(tif, UInt32(TIFFTAG_YRESOLUTION), &y) != 1 || !(y > 0) || !y.isFinite { y = x }
        return (Double(x), Double(y))
    }

    /// The format of the current page.
    func pageFormat() -> TIFFPageFormat {
        var width: UInt32 = 0, height: UInt32 = 0, bits: UInt16 = 0, format: UInt16 = 0, samples: UInt16 = 0
        _ = u32(tag: TIFFTAG_IMAGEWIDTH, into: &width)
        _ = u32(tag: TIFFTAG_IMAGELENGTH, into: &height)
        _ = u16Defaulted(tag: TIFFTAG_BITSPERSAMPLE, into: &bits)
        _ = u16Defaulted(tag: TIFFTAG_SAMPLEFORMAT, into: &format)
        _ = u16Defaulted(tag: TIFFTAG_SAMPLESPERPIXEL, into: &samples)
        return TIFFPageFormat(width: Int(width), height: Int(height), bitsPerSample: Int(bits),
                              sampleFormat: Int(format), samplesPerPixel: Int(samples),
                              firstStripOffset: TIFFGetStrileOffset(tif, 0),
                              firstStripBytes: TIFFGetStrileByteCount(tif, 0))
    }

    /// Walks the directory chain from page 0 and returns each page's format. A chain that breaks
    /// (cut file, bad offset) is an error naming the last good page.
    func scanPages() throws -> [TIFFPageFormat] {
        let before = errorCount
        guard TIFFCurrentDirectory(tif) == 0 || TIFFSetDirectory(tif, 0) == 1 else {
            throw FileFormatError(path, "page 0: cannot read its directory\(detail(since: before))")
        }
        var formats: [TIFFPageFormat] = []
        while true {
            formats.append(pageFormat())
            let before = errorCount
            if TIFFReadDirectory(tif) == 0 {
                if errorCount > before {
                    throw FileFormatError(path, "truncated or damaged after page \(formats.count - 1): the directory of "
                        + "page \(formats.count) cannot be read\(detail(since: before))")
                }
                break
            }
        }
        return formats
    }
}

/// What a page stores.
struct TIFFPageFormat: Equatable {
    var width: Int
    var height: Int
    var bitsPerSample: Int
    var sampleFormat: Int
    var samplesPerPixel: Int
    /// Where the first strip or tile is stored, and its size (0 and 0: no pixel data written yet).
    var firstStripOffset: UInt64
    var firstStripBytes: UInt64

    var sampleType: ImageSampleType? {
        switch (sampleFormat, bitsPerSample) {
        case (Int(SAMPLEFORMAT_UINT), 8), (Int(SAMPLEFORMAT_VOID), 8): return .uint8
        case (Int(SAMPLEFORMAT_UINT), 16), (Int(SAMPLEFORMAT_VOID), 16): return .uint16
        case (Int(SAMPLEFORMAT_UINT), 32), (Int(SAMPLEFORMAT_VOID), 32): return .uint32
        case (Int(SAMPLEFORMAT_INT), 16): return .int16
        case (Int(SAMPLEFORMAT_INT), 32): return .int32
        case (Int(SAMPLEFORMAT_IEEEFP), 32): return .float32
        case (Int(SAMPLEFORMAT_IEEEFP), 64): return .float64
        default: return nil
        }
    }

    func checkedSampleType(page: Int, path: String) throws -> ImageSampleType {
        guard samplesPerPixel == 1 else {
            throw FileFormatError(path, "page \(page): \(samplesPerPixel) samples per pixel (RGB or multi-channel "
                + "pixels); only one sample per pixel (grayscale) is supported")
        }
        guard width > 0, height > 0 else { throw FileFormatError(path, "page \(page): empty image (\(width) x \(height))") }
        guard let type = sampleType else {
            let kind: String
            switch sampleFormat {
            case Int(SAMPLEFORMAT_UINT), Int(SAMPLEFORMAT_VOID): kind = "unsigned integer"
            case Int(SAMPLEFORMAT_INT): kind = "signed integer"
            case Int(SAMPLEFORMAT_IEEEFP): kind = "floating-point"
            default: kind = "complex or unknown (SampleFormat \(sampleFormat))"
            }
            throw FileFormatError(path, "page \(page): \(bitsPerSample)-bit \(kind) samples are not supported (uint8, "
                + "uint16, int16, uint32, int32, float32, float64 are)")
        }
        return type
    }
}

// MARK: - Layouts

/// Time points, depth and the page of every plane.
struct PageMap {
    var layout: TIFFStack.Layout
    var timePoints: Int
    var depth: Int
    var pageOfPlane: [Int]
    var voxelSizeNm: SIMD3<Double>?
    var omeSizeXY: (Int, Int)? = nil

    init(plain pages: Int) {
        layout = .plain
        timePoints = pages
        depth = 1
        pageOfPlane = Array(0..<pages)
        voxelSizeNm = nil
    }

    init(imageJ ij: ImageJDescription, resolution: (x: Double, y: Double)?, pageCount: Int, path: String) throws {
        func count(_ key: String) throws -> Int? {
            guard let text = ij.values[key] else { return nil }
            guard let n = Int(text), n >= 1 else {
                throw FileFormatError(path, "ImageJ metadata: \(key)=\(text) is not a positive count")
            }
            return n
        }
        let channels = try count("channels") ?? 1
        guard channels == 1 else {
            throw FileFormatError(path, "ImageJ hyperstack with \(channels) channels; only single-channel stacks are supported")
        }
        let images = try count("images") ?? pageCount
        let frames = try count("frames"), slices = try count("slices")
        if let frames {
            timePoints = frames
            depth = slices ?? 1
        } else {
            timePoints = slices ?? images  // slices without frames: a time series (see TIFFStack)
            depth = 1
        }
        let (planes, overflow) = timePoints.multipliedReportingOverflow(by: depth)
        guard !overflow, planes == images else {
            throw FileFormatError(path, "ImageJ metadata is inconsistent: images=\(images), but slices x frames = "
                + "\(depth) x \(timePoints)")
        }
        guard images == pageCount else {
            let hint = pageCount == 1
                ? " (ImageJ stores stacks over 4 GB with one directory; such files are not supported)"
                : " (an incomplete or damaged file?)"
            throw FileFormatError(path, "ImageJ metadata says images=\(images), but the file has \(pageCount) pages\(hint)")
        }
        layout = .imageJ
        pageOfPlane = Array(0..<images)  // channel fastest (one channel), then slice, then frame
        if let unit = ij.values["unit"], let scale = lengthUnitInNm(unit), let resolution {
            let z = depth > 1 ? (ij.values["spacing"].flatMap(Double.init).map { abs($0) * scale } ?? 0) : 0
            voxelSizeNm = SIMD3(scale / resolution.x, scale / resolution.y, z)
        } else {
            voxelSizeNm = nil
        }
    }

    init(ome: OMEMetadata, pageCount: Int, path: String) throws {
        let p = ome.pixels
        func size(_ key: String, default value: Int? = nil) throws -> Int {
            guard let text = p[key] else {
                if let value { return value }
                throw FileFormatError(path, "OME-XML: Pixels has no \(key)")
            }
            guard let n = Int(text), n >= 1 else { throw FileFormatError(path, "OME-XML: \(key)=\"\(text)\" is not a positive size") }
            return n
        }
        let sizeX = try size("SizeX"), sizeY = try size("SizeY")
        let sizeZ = try size("SizeZ", default: 1), sizeC = try size("SizeC", default: 1), sizeT = try size("SizeT", default: 1)
        guard sizeC == 1 else {
            throw FileFormatError(path, "OME-TIFF with SizeC=\(sizeC) channels; only single-channel stacks are supported")
        }
        let order = p["DimensionOrder"] ?? "XYZCT"
        let orders = ["XYZCT", "XYZTC", "XYCZT", "XYCTZ", "XYTZC", "XYTCZ"]
        guard orders.contains(order) else {
            throw FileFormatError(path, "OME-XML: DimensionOrder \"\(order)\" is not one of \(orders.joined(separator: ", "))")
        }
        // Plane index of (z, c, t): the dimension order lists the fastest-varying dimension first.
        var stride: [Character: Int] = [:]
        var step = 1
        // Sizes are checked before any arithmetic or allocation depends on them: overflowing products
        // trapped and SizeT = 2e9 allocated a table of 16 GB (inputs in Fuzz/regressions/tiff).
        for d in order.dropFirst(2) {
            stride[d] = step
            let (next, overflow) = step.multipliedReportingOverflow(by: d == "Z" ? sizeZ : d == "C" ? sizeC : sizeT)
            guard !overflow else {
                throw FileFormatError(path, "OME-XML: SizeZ x SizeC x SizeT = \(sizeZ) x \(sizeC) x \(sizeT) planes is impossible")
            }
            step = next
        }
        let planes = step
        func plane(z: Int, c: Int, t: Int) -> Int { z * stride["Z"]! + c * stride["C"]! + t * stride["T"]! }
        let own = URL(fileURLWithPath: path).lastPathComponent
        if let name = ome.tiffData.lazy.compactMap({ $0["FileName"] }).first(where: { $0 != own }) {
            throw FileFormatError(path, "OME-XML puts planes in another file (\(name)); multi-file OME-TIFF "
                + "data sets are not supported")
        }
        guard planes <= pageCount else {
            throw FileFormatError(path, "OME-XML describes SizeZ x SizeC x SizeT = \(sizeZ) x \(sizeC) x \(sizeT) planes, but the "
                + "file has \(pageCount) pages")
        }

        var pageOf = [Int](repeating: -1, count: planes)
        if ome.tiffData.isEmpty {
            for i in 0..<planes { pageOf[i] = i }
        } else {
            for td in ome.tiffData {
                func value(_ key: String) throws -> Int? {
                    guard let text = td[key] else { return nil }
                    guard let n = Int(text), n >= 0 else { throw FileFormatError(path, "OME-XML: TiffData \(key)=\"\(text)\" is not valid") }
                    return n
                }
                let ifd = try value("IFD"), firstZ = try value("FirstZ") ?? 0, firstC = try value("FirstC") ?? 0,
                    firstT = try value("FirstT") ?? 0
                let anchored = ifd != nil || td["FirstZ"] != nil || td["FirstC"] != nil || td["FirstT"] != nil
                guard firstZ < sizeZ, firstC < sizeC, firstT < sizeT else {
                    throw FileFormatError(path, "OME-XML: a TiffData element covers planes beyond SizeZ x SizeC x SizeT")
                }
                let start = plane(z: firstZ, c: firstC, t: firstT)
                let count = try value("PlaneCount") ?? (anchored ? 1 : planes)
                guard count <= planes - start else {
                    throw FileFormatError(path, "OME-XML: a TiffData element covers planes beyond SizeZ x SizeC x SizeT")
                }
                guard (ifd ?? 0) < pageCount else {
                    throw FileFormatError(path, "OME-XML: TiffData IFD=\(ifd ?? 0), but the file has \(pageCount) pages")
                }
                for k in 0..<count { pageOf[start + k] = (ifd ?? 0) + k }
            }
        }
        layout = .ome
        timePoints = sizeT
        depth = sizeZ
        omeSizeXY = (sizeX, sizeY)
        var table: [Int] = []
        table.reserveCapacity(sizeT * sizeZ)
        for t in 0..<sizeT {
            for z in 0..<sizeZ {
                let page = pageOf[plane(z: z, c: 0, t: t)]
                guard page >= 0 else { throw FileFormatError(path, "OME-XML gives no page for t=\(t), z=\(z)") }
                guard page < pageCount else {
                    throw FileFormatError(path, "OME-XML puts t=\(t), z=\(z) on page \(page), but the file has \(pageCount) pages")
                }
                table.append(page)
            }
        }
        pageOfPlane = table

        func physical(_ axis: String) -> Double? {
            guard let text = p["PhysicalSize\(axis)"], let v = Double(text), v > 0, v.isFinite,
                  let scale = lengthUnitInNm(p["PhysicalSize\(axis)Unit"] ?? "µm") else { return nil }
            return v * scale
        }
        if let x = physical("X") {
            voxelSizeNm = SIMD3(x, physical("Y") ?? x, sizeZ > 1 ? (physical("Z") ?? 0) : 0)
        } else {
            voxelSizeNm = nil
        }
    }
}

/// Nanometres per `unit` (ImageJ's and OME's names for lengths), nil for units that are not lengths.
func lengthUnitInNm(_ unit: String) -> Double? {
    switch unit.trimmingCharacters(in: .whitespaces) {
    case "nm", "nanometer", "nanometre", "nanometers", "nanometres": return 1
    case "micron", "microns", "um", "µm", "μm", "\\u00B5m", "\\u00b5m", "micrometer", "micrometre",
         "micrometers", "micrometres": return 1000
    case "mm", "millimeter", "millimetre": return 1e6
    case "cm", "centimeter", "centimetre": return 1e7
    case "m", "meter", "metre": return 1e9
    case "pm": return 1e-3
    case "Å", "angstrom": return 0.1
    default: return nil
    }
}

/// ImageJ's ImageDescription: `key=value` lines after a first line `ImageJ=version`.
struct ImageJDescription {
    var values: [String: String] = [:]

    init?(_ description: String) {
        guard description.hasPrefix("ImageJ=") else { return nil }
        for line in description.split(whereSeparator: { $0 == "\n" || $0 == "\r" }) {
            guard let eq = line.firstIndex(of: "=") else { continue }
            let key = line[..<eq].trimmingCharacters(in: .whitespaces)
            values[key] = line[line.index(after: eq)...].trimmingCharacters(in: .whitespaces)
        }
    }
}

/// The first `Image` of OME-XML: its `Pixels` attributes and `TiffData` elements (with a `FileName`
/// entry taken from a `UUID` child).
struct OMEMetadata {
    var pixels: [String: String]
    var tiffData: [[String: String]]

    static func looksLikeOME(_ description: String) -> Bool {
        description.drop { $0.isWhitespace }.hasPrefix("<") && description.contains("<OME")
    }

    init(_ description: String, path: String) throws {
        let reader = OMEReader()
        let parser = XMLParser(data: Data(description.utf8))
        parser.delegate = reader
        guard parser.parse() else {
            let reason = parser.parserError.map { " (\($0.localizedDescription))" } ?? ""
            throw FileFormatError(path, "page 0: the OME-XML description is not well-formed XML\(reason)")
        }
        guard !reader.binaryOnly else {
            throw FileFormatError(path, "OME-XML is in a companion file (BinaryOnly); such OME-TIFF files are not supported")
        }
        guard let pixels = reader.pixels else { throw FileFormatError(path, "OME-XML holds no Image with Pixels") }
        self.pixels = pixels
        tiffData = reader.tiffData
    }
}

private final class OMEReader: NSObject, XMLParserDelegate {
    var pixels: [String: String]?
    var tiffData: [[String: String]] = []
    var binaryOnly = false
    private var images = 0
    private var inFirstImage = false
    private var openTiffData: Int?

    private static func local(_ name: String) -> Substring {
        name.split(separator: ":").last ?? Substring(name)
    }

    func parser(_ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?,
                qualifiedName qName: String?, attributes attributeDict: [String: String] = [:]) {
        switch Self.local(elementName) {
        case "Image":
            images += 1
            inFirstImage = images == 1
        case "Pixels" where inFirstImage && pixels == nil:
            pixels = attributeDict
        case "TiffData" where inFirstImage:
            tiffData.append(attributeDict)
            openTiffData = tiffData.count - 1
        case "UUID":
            if let i = openTiffData, let name = attributeDict["FileName"] { tiffData[i]["FileName"] = name }
        case "BinaryOnly":
            binaryOnly = true
        default:
            break
        }
    }

    func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?,
                qualifiedName qName: String?) {
        switch Self.local(elementName) {
        case "Image": inFirstImage = false
        case "TiffData": openTiffData = nil
        default: break
        }
    }
}
