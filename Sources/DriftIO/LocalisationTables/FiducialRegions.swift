import Foundation
import Yams

/// Regions that hold fiducial beads, for `--fiducials FILE`: circles with centres and radii in nm, in
/// the coordinates of the localisations as read, where the beads sit with the drift removed (as at
/// the first frame: a region picked on a drift-corrected image).
///
/// - A Picasso pick file (`.yaml`, `.yml`): `Centers` (a list of [x, y]) and `Diameter`, in camera
///   pixels; needs the localisations' pixel size (`pixelSizeNm`). `Shape`, when given, must be
///   `Circle`.
/// - A CSV (`.csv`): one region a line, x, y and radius in nm; a first line that is not numbers is a
///   header.
public struct FiducialRegions: Equatable, Sendable {
    public var centres: [SIMD2<Double>]
    public var radii: [Double]

    public init(centres: [SIMD2<Double>], radii: [Double]) {
        self.centres = centres
        self.radii = radii
    }

    public static func read(path: String, pixelSizeNm: Double?) throws -> FiducialRegions {
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
            throw FileFormatError(path, "no such file, or not text")
        }
        let regions = path.lowercased().hasSuffix(".csv") ? try csv(text, path: path) : try picks(text, path: path, pixelSizeNm: pixelSizeNm)
        guard !regions.centres.isEmpty else { throw FileFormatError(path, "no regions") }
        return regions
    }

    static func picks(_ text: String, path: String, pixelSizeNm: Double?) throws -> FiducialRegions {
        let node: Any?
        do { node = try Yams.load(yaml: text) } catch { throw FileFormatError(path, "not YAML (\(error))") }
        guard let map = node as? [String: Any], let centers = map["Centers"] as? [Any] else {
            throw FileFormatError(path, "no 'Centers' (a Picasso pick file has Centers and Diameter)")
        }
        if let shape = map["Shape"] as? String, shape != "Circle" {
            throw FileFormatError(path, "picks of shape '\(shape)'; only circles are fiducial regions")
        }
        guard let diameter = number(map["Diameter"]), diameter > 0, diameter.isFinite else { throw FileFormatError(path, "no positive 'Diameter'") }
        guard let px = pixelSizeNm, px > 0 else {
            throw FileFormatError(path, "its picks are in camera pixels and the localisations' pixel size is not known")
        }
        var out = FiducialRegions(centres: [], radii: [])
        for (k, c) in centers.enumerated() {
            guard let pair = c as? [Any], pair.count == 2, let x = number(pair[0]), let y = number(pair[1]), x.isFinite, y.isFinite else {
                throw FileFormatError(path, "Centers entry \(k) is not [x, y]")
            }
            out.centres.append(SIMD2(x, y) * px)
            out.radii.append(diameter / 2 * px)
        }
        return out
    }

    static func csv(_ text: String, path: String) throws -> FiducialRegions {
        var out = FiducialRegions(centres: [], radii: [])
        for (k, line) in text.split(whereSeparator: \.isNewline).enumerated() {
            let fields = line.split(separator: ",").map { Double($0.trimmingCharacters(in: .whitespaces)) }
            if k == 0 && fields.contains(where: { $0 == nil }) { continue }
            guard fields.count == 3, let x = fields[0], let y = fields[1], let r = fields[2], x.isFinite, y.isFinite, r > 0, r.isFinite else {
                throw FileFormatError(path, "line \(k + 1) is not x, y, radius (nm, radius > 0)")
            }
            out.centres.append(SIMD2(x, y))
            out.radii.append(r)
        }
        return out
    }

    static func number(_ v: Any?) -> Double? {
        if let d = v as? Double { return d }
        if let i = v as? Int { return Double(i) }
        return nil
    }
}
