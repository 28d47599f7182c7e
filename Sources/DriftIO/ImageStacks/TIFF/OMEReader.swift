import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif

/// The XMLParser delegate of `OMEMetadata`: collects the first `Image`'s `Pixels` attributes and
/// `TiffData` elements, and whether the XML is `BinaryOnly`.
final class OMEReader: NSObject, XMLParserDelegate {
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
