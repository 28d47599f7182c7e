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
            throw HDF5Error(yamlPath, "no such file (Picasso keeps the pixel size and frame count there)")
        }
        let text: String
        do { text = try String(contentsOfFile: yamlPath, encoding: .utf8) } catch {
            throw HDF5Error(yamlPath, "cannot read the file")
        }
        var merged: [String: Any] = [:]
        do {
            var documents = try Yams.load_all(yaml: text)
            while let document = documents.next() {
                guard let map = document as? [String: Any] else { continue }
                for (k, v) in map { merged[k] = v }
                if let camera = map["Camera"] as? [String: Any], let px = camera["Pixelsize"] {
                    merged["Pixelsize"] = px
                }
            }
            if let error = documents.error { throw error }
        } catch {
            throw HDF5Error(yamlPath, "not valid YAML (\(String(describing: error).split(separator: "\n").first ?? ""))")
        }
        func number(_ key: String) -> Double? {
            switch merged[key] {
            case let v as Int: return Double(v)
            case let v as Double: return v
            case let v as String: return Double(v)
            default: return nil
            }
        }
        guard let px = number("Pixelsize"), px > 0, px.isFinite, px < 1e6 else {
            throw HDF5Error(yamlPath, "no positive 'Pixelsize' (nm)")
        }
        guard let frames = number("Frames"), frames >= 1, frames <= 1e12, frames == frames.rounded() else {
            throw HDF5Error(yamlPath, "no 'Frames' count (a whole number >= 1)")
        }
        guard let w = number("Width"), let h = number("Height"), w >= 1, h >= 1, w <= 1e6, h <= 1e6 else {
            throw HDF5Error(yamlPath, "no 'Width' and 'Height' (pixels, 1 to 1,000,000)")
        }
        return PicassoMetadata(frames: Int(frames), width: Int(w), height: Int(h), pixelSizeNm: px)
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
