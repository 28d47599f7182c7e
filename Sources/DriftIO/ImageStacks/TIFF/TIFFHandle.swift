import CTIFF
import Foundation

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
