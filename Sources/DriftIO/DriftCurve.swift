import Foundation

/// The drift at every frame, as a drift file (`/drift/frame`, `/drift/xyz` in nm) gives it, for
/// correcting localisations.
public struct DriftCurve: Sendable {
    /// First and last frame, in the drift file's numbering, and the number of its first frame
    /// (root attribute `frame_base`; 0 when absent).
    public let firstFrame: Int
    public let lastFrame: Int
    public let frameBase: Int
    /// Drift at `firstFrame + k`, nm.
    let drift: [SIMD3<Double>]
    /// Whether the drift has a z component (root attribute `dims` = 3, or any non-zero z).
    public let isThreeD: Bool

    /// Reads the curve; throws unless the frames run without gaps and the unit is nm.
    public static func read(path: String) throws -> DriftCurve {
        let file = try HDF5File.openReadOnly(path)
        for name in ["/drift/frame", "/drift/xyz"] where !file.exists(name) {
            throw HDF5Error(path, "no dataset '\(name)' (not a driftmpi drift file)")
        }
        let xyz = try file.dataset("/drift/xyz")
        let unit = try xyz.stringAttribute("unit") ?? "nm"
        guard unit == "nm" else { throw HDF5Error(path, "the drift is in '\(unit)'; localisations need a drift in nm") }
        let frames = try file.dataset("/drift/frame").read(as: Int64.self)
        let values = try xyz.read(as: Double.self)
        guard !frames.isEmpty, values.count == 3 * frames.count else {
            throw HDF5Error(path, "/drift/frame and /drift/xyz are empty or differ in length")
        }
        for k in frames.indices.dropFirst() where frames[k] != frames[k - 1] + 1 {
            throw HDF5Error(path, "/drift/frame is not a run of consecutive frames (at row \(k))")
        }
        let drift = stride(from: 0, to: values.count, by: 3).map { SIMD3(values[$0], values[$0 + 1], values[$0 + 2]) }
        guard drift.allSatisfy({ $0.x.isFinite && $0.y.isFinite && $0.z.isFinite }) else {
            throw HDF5Error(path, "/drift/xyz holds non-finite values")
        }
        let dims = try file.int64Attribute("dims")
        let base = try file.int64Attribute("frame_base") ?? 0
        return DriftCurve(firstFrame: Int(frames[0]), lastFrame: Int(frames.last!), frameBase: Int(base), drift: drift,
                          isThreeD: dims.map { $0 == 3 } ?? drift.contains { $0.z != 0 })
    }

    /// The drift at `frames` (this curve's numbering). A frame outside it takes the nearest end's
    /// drift with `hold` (and sets `outside`), else `error(frame)` is thrown.
    public func drift(at frames: [Int], hold: Bool, outside: inout Bool, error: (Int) -> Error) throws -> [SIMD3<Double>] {
        try frames.map { f in
            if f < firstFrame || f > lastFrame {
                guard hold else { throw error(f) }
                outside = true
                return drift[f < firstFrame ? 0 : drift.count - 1]
            }
            return drift[f - firstFrame]
        }
    }
}
