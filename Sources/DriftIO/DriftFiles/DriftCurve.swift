import DriftCore
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

    /// Reads the curve in nm (for localisations), or in pixels of an image stack whose voxel size is
    /// `pixelsOf` (nm; nil when the stack does not record it): a drift measured on images is in pixels
    /// and also in nm when its stack's voxel size was known (`/drift/xyz_nm`); a drift in nm is divided by
    /// the stack's voxel size. Throws unless the frames run without gaps.
    public static func read(path: String, pixelsOf stack: (voxelSizeNm: SIMD3<Double>?, name: String)? = nil) throws -> DriftCurve {
        let file = try HDF5File.openReadOnly(path)
        for name in ["/drift/frame", "/drift/xyz"] where !file.exists(name) {
            throw FileFormatError(path, "no dataset '\(name)' (not a driftmpi drift file)")
        }
        let xyz = try file.dataset("/drift/xyz")
        let name = try xyz.stringAttribute("unit") ?? LengthUnit.nm.rawValue
        guard let unit = LengthUnit(rawValue: name) else { throw FileFormatError(path, "the drift is in '\(name)', neither nm nor px") }
        let frames = try file.dataset("/drift/frame").read(as: Int64.self)
        var values: [Double]
        var scale = SIMD3<Double>(1, 1, 1)
        if let stack {
            values = try xyz.read(as: Double.self)
            if unit == .nm {
                guard let v = stack.voxelSizeNm, v.x > 0, v.y > 0 else {
                    throw FileFormatError(stack.name, "the drift in \(path) is in nm and this stack records no voxel size")
                }
                scale = SIMD3(1 / v.x, 1 / v.y, v.z > 0 ? 1 / v.z : 0)
            }
        } else if unit == .px {
            guard file.exists("/drift/xyz_nm") else {
                throw FileFormatError(path, "the drift is in pixels and the file records no voxel size to convert it to nm")
            }
            values = try file.dataset("/drift/xyz_nm").read(as: Double.self)
        } else {
            values = try xyz.read(as: Double.self)
        }
        for k in values.indices { values[k] *= scale[k % 3] }
        guard !frames.isEmpty, values.count == 3 * frames.count else {
            throw FileFormatError(path, "/drift/frame and /drift/xyz are empty or differ in length")
        }
        // (A frame of Int64.max followed by any other overflowed `+ 1`: Tests/Fuzz/regressions/h5attr.)
        for k in frames.indices.dropFirst() where frames[k - 1] == .max || frames[k] != frames[k - 1] + 1 {
            throw FileFormatError(path, "/drift/frame is not a run of consecutive frames (at row \(k))")
        }
        let drift = stride(from: 0, to: values.count, by: 3).map { SIMD3(values[$0], values[$0 + 1], values[$0 + 2]) }
        guard drift.allSatisfy({ $0.x.isFinite && $0.y.isFinite && $0.z.isFinite }) else {
            throw FileFormatError(path, "/drift/xyz holds non-finite values")
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
