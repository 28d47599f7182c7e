import CTIFF
import Foundation

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

        let map: TIFFPageMap
        if let description, let imageJ = ImageJDescription(description) {
            map = try TIFFPageMap(imageJ: imageJ, resolution: resolution, pageCount: formats.count, path: path)
        } else if let description, OMEMetadata.looksLikeOME(description) {
            map = try TIFFPageMap(ome: try OMEMetadata(description, path: path), pageCount: formats.count, path: path)
        } else {
            map = TIFFPageMap(plain: formats.count)
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
        let current = Int(TIFFCurrentDirectory(tif))
        if current != page {
            let before = file.errorCount
            // The next page: one step on (a stack streamed in time order). TIFFSetDirectory walks the
            // chain from the first page, so reading a stack page by page with it took time that grew
            // with the square of the pages.
            let moved = current + 1 == page ? TIFFReadDirectory(tif) == 1 && Int(TIFFCurrentDirectory(tif)) == page
                                            : TIFFSetDirectory(tif, tdir_t(page)) == 1
            guard moved else {
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
            // Tests/Fuzz/FuzzTIFF.swift): tiles may overhang the image, but not hold more than 4 pages or 64 MiB.
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
