import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif

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
