import CYaml
import Foundation
import Yams

/// What driftmpi needs from a Picasso `.yaml` file: the camera geometry and pixel size.
///
/// Picasso writes one YAML document per processing step; later documents override earlier ones.
/// The pixel size is `Pixelsize` (nm), or `Camera: Pixelsize` in files from Picasso's simulator.
public struct PicassoMetadata: Equatable, Sendable {
    /// Number of frames in the acquisition.
    public var frames: Int
    /// Camera size, pixels.
    public var width: Int
    public var height: Int
    /// Camera pixel size in the sample, nm.
    public var pixelSizeNm: Double

    public init(frames: Int, width: Int, height: Int, pixelSizeNm: Double) {
        self.frames = frames
        self.width = width
        self.height = height
        self.pixelSizeNm = pixelSizeNm
    }

    /// The `.yaml` beside a Picasso `.hdf5` file.
    public static func yamlPath(forLocalisations path: String) -> String {
        (path as NSString).deletingPathExtension + ".yaml"
    }

    /// Reads and merges every document of the YAML file.
    public static func read(yamlPath: String) throws -> PicassoMetadata {
        guard FileManager.default.fileExists(atPath: yamlPath) else {
            throw FileFormatError(yamlPath, "no such file (Picasso keeps the pixel size and frame count there)")
        }
        let text: String
        do { text = try String(contentsOfFile: yamlPath, encoding: .utf8) } catch {
            throw FileFormatError(yamlPath, "cannot read the file")
        }
        // The documents are composed into nodes and only their top-level entries (and `Camera`'s) are
        // read: Yams' conversion of whole documents to [String: Any] traps on a mapping key that is
        // not a scalar (`? [a]: 1`) and expands aliases without bound (found by Tests/Fuzz/FuzzYAML.swift).
        var merged: [String: Node] = [:]
        if let depth = nestingDepth(text, limit: maximumNesting), depth > maximumNesting {
            throw FileFormatError(yamlPath, "not Picasso metadata: collections nested more than \(maximumNesting) levels deep")
        }
        do {
            // Without Yams' default resolver: its rules are regular expressions compiled on first use
            // (about 1.5 ms a run), and only merge keys' tags are looked at here (`entries`).
            var documents = try Yams.compose_all(yaml: text, .basic)
            while let document = documents.next() {
                guard let map = document.mapping else { continue }
                let top = entries(map)
                for (k, v) in top { merged[k] = v }
                if let camera = top.last(where: { $0.0 == "Camera" })?.1.mapping,
                   let px = entries(camera).last(where: { $0.0 == "Pixelsize" }) {
                    merged["Pixelsize"] = px.1
                }
            }
            if let error = documents.error { throw error }
        } catch {
            throw FileFormatError(yamlPath, "not valid YAML (\(String(describing: error).split(separator: "\n").first ?? ""))")
        }
        func number(_ key: String) -> Double? {
            guard let node = merged[key], let scalar = node.scalar else { return nil }
            return node.int.map(Double.init) ?? node.float ?? Double(scalar.string)
        }
        guard let px = number("Pixelsize"), px > 0, px.isFinite, px < 1e6 else {
            throw FileFormatError(yamlPath, "no positive 'Pixelsize' (nm)")
        }
        guard let frames = number("Frames"), frames >= 1, frames <= 1e12, frames == frames.rounded() else {
            throw FileFormatError(yamlPath, "no 'Frames' count (a whole number >= 1)")
        }
        guard let w = number("Width"), let h = number("Height"), w >= 1, h >= 1, w <= 1e6, h <= 1e6 else {
            throw FileFormatError(yamlPath, "no 'Width' and 'Height' (pixels, 1 to 1,000,000)")
        }
        return PicassoMetadata(frames: Int(frames), width: Int(w), height: Int(h), pixelSizeNm: px)
    }

    /// Deeper nesting is refused before Yams sees the text: Yams builds its nodes recursively, and a
    /// file of some thousands of `[` overflowed the stack (found by Tests/Fuzz/FuzzYAML.swift).
    static let maximumNesting = 100

    /// The deepest nesting of collections in `text`, from libyaml's events (libyaml parses without
    /// recursion), counted up to `limit` + 1; nil on a syntax error (which Yams then reports).
    static func nestingDepth(_ text: String, limit: Int) -> Int? {
        let bytes = Array(text.utf8)
        guard !bytes.isEmpty else { return 0 }
        var parser = yaml_parser_t()
        guard yaml_parser_initialize(&parser) == 1 else { return nil }
        defer { yaml_parser_delete(&parser) }
        return bytes.withUnsafeBufferPointer { buffer -> Int? in
            yaml_parser_set_encoding(&parser, YAML_UTF8_ENCODING)
            yaml_parser_set_input_string(&parser, buffer.baseAddress, buffer.count)
            var depth = 0, deepest = 0
            while true {
                var event = yaml_event_t()
                guard yaml_parser_parse(&parser, &event) == 1 else { return nil }
                defer { yaml_event_delete(&event) }
                switch event.type {
                case YAML_SEQUENCE_START_EVENT, YAML_MAPPING_START_EVENT:
                    depth += 1
                    deepest = max(deepest, depth)
                    if deepest > limit { return deepest }
                case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
                    depth -= 1
                case YAML_STREAM_END_EVENT, YAML_NO_EVENT:
                    return deepest
                default:
                    break
                }
            }
        }
    }

    /// The entries of a mapping whose keys are scalars, in order, after those of its merge keys
    /// (`<<: *anchor` or `<<: [*a, *b]`, one level: a plain `<<`, or one tagged `!!merge`); later
    /// entries win.
    private static func entries(_ map: Node.Mapping) -> [(String, Node)] {
        var merges: [(String, Node)] = [], own: [(String, Node)] = []
        for (key, value) in map {
            guard let name = key.scalar?.string else { continue }
            if (name == "<<" && key.scalar?.style == .plain) || key.tag.description == Tag.Name.merge.rawValue {
                let sources = value.mapping.map { [$0] } ?? value.array().compactMap(\.mapping)
                for source in sources.reversed() {
                    for (k, v) in source { if let n = k.scalar?.string { merges.append((n, v)) } }
                }
            } else {
                own.append((name, value))
            }
        }
        return merges + own
    }

    /// Writes a one-document YAML file in Picasso's style, with extra entries (e.g. the generator).
    public func yaml(extra: [(String, String)] = []) -> String {
        var lines = ["Byte Order: <", "Data Type: uint16", "Frames: \(frames)", "Height: \(height)",
                     "Width: \(width)", "Pixelsize: \(pixelSizeNm)"]
        for (k, v) in extra {
            let quoted = (try? Yams.dump(object: v).trimmingCharacters(in: .whitespacesAndNewlines)) ?? "'\(v)'"
            lines.append("\(k): \(quoted)")
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
