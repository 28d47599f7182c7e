import CTIFF

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
