import DriftCore
import Foundation

/// PYME's drift file (`driftmpi drift import-pyme`): a NumPy `.npz` archive with `tIndex` (N frames,
/// float) and `drift` (N x 3, or N x 2 without z, nm), the drift at each of those frames.
///
/// The values are taken as they are (PYME writes 0 at the first point; driftmpi's sign convention,
/// corrected = raw - drift, is assumed).
public enum PymeDriftFile {
    /// The largest drift read (nm): 1 m. Beyond it a file is not a drift file, and the spline through
    /// its points would overflow (found by fuzz.sh: Tests/Fuzz/regressions/npz).
    public static let largestDrift = 1e9

    /// The closest two tIndex may be (frames): closer, the spline's slopes would overflow.
    public static let closestFrames = 1e-6

    /// The points of the file: frames (strictly increasing) and drift (nm).
    public static func read(path: String) throws -> (tIndex: [Double], drift: [SIMD3<Double>]) {
        let archive = try NumpyArchive(path: path)
        let t = try archive.array("tIndex")
        let d = try archive.array("drift")
        let tMember = archive.memberName("tIndex")!, dMember = archive.memberName("drift")!
        guard t.shape.count == 1 else { throw FileFormatError(path, "member '\(tMember)' has shape \(t.shape), not (N,)") }
        let n = t.shape[0]
        guard n >= 1 else { throw FileFormatError(path, "member '\(tMember)' is empty") }
        guard d.shape.count == 2, d.shape[0] == n, d.shape[1] == 3 || d.shape[1] == 2 else {
            throw FileFormatError(path, "member '\(dMember)' has shape \(d.shape), not (\(n), 3) like '\(tMember)'")
        }
        if let k = t.values.firstIndex(where: { !$0.isFinite }) {
            throw FileFormatError(path, "member '\(tMember)' has a value that is not finite (row \(k))")
        }
        // Frame numbers beyond this made `result` trap converting them to Int (Tests/Fuzz/regressions/npz).
        if let k = t.values.firstIndex(where: { abs($0) > Double(UInt32.max) }) {
            throw FileFormatError(path, "member '\(tMember)' has frame \(t.values[k]) (row \(k)), beyond ±\(UInt32.max)")
        }
        if let k = t.values.indices.dropFirst().first(where: { t.values[$0] <= t.values[$0 - 1] }) {
            throw FileFormatError(path, "member '\(tMember)' is not strictly increasing (row \(k))")
        }
        if let k = t.values.indices.dropFirst().first(where: { t.values[$0] - t.values[$0 - 1] < closestFrames }) {
            throw FileFormatError(path, "member '\(tMember)' has frames \(t.values[k - 1]) and \(t.values[k]) (rows \(k - 1), \(k)) closer than \(closestFrames)")
        }
        if let k = d.values.firstIndex(where: { !$0.isFinite }) {
            throw FileFormatError(path, "member '\(dMember)' has a value that is not finite (row \(k / d.shape[1]))")
        }
        if let k = d.values.firstIndex(where: { abs($0) > largestDrift }) {
            throw FileFormatError(path, "member '\(dMember)' has drift \(d.values[k]) nm (row \(k / d.shape[1])), beyond ±1 m")
        }
        let columns = d.shape[1]
        let drift = (0..<n).map { k in
            SIMD3(d.values[columns * k], d.values[columns * k + 1], columns == 3 ? d.values[columns * k + 2] : 0)
        }
        return (t.values, drift)
    }

    /// The imported result: `/segments` one per point (centre = tIndex, drift, sigma NaN, count 0,
    /// frame ranges split at the midpoints between centres), and `/drift` by the natural cubic spline
    /// through the points (`DriftInterpolation`, held beyond the ends) at every frame from the first
    /// to the last tIndex, or at frames 0..<`frames` when given.
    public static func result(path: String, frames frameCount: Int? = nil, created: String = DriftFile.now()) throws -> DriftResult {
        let (t, d) = try read(path: path)
        let frames: [Int]
        if let n = frameCount {
            guard n >= 1 else { throw FileFormatError(path, "the number of frames must be at least 1") }
            frames = Array(0..<n)
        } else {
            let first = Int(t[0].rounded(.up)), last = Int(t[t.count - 1].rounded(.down))
            frames = first <= last ? Array(first...last) : [Int(t[0].rounded())]
        }
        var r = DriftResult()
        r.frames = frames.map { Int64($0) }
        r.drift = DriftInterpolation.drift(at: frames, centres: t, drift: d)
        let n = t.count
        // Segment k covers the frames nearer its centre than its neighbours'.
        let bounds = (1..<max(n, 1)).map { Int64(((t[$0 - 1] + t[$0]) / 2).rounded(.down)) }
        r.segmentFirstFrame = [min(Int64(t[0].rounded(.down)), Int64(frames[0]))] + bounds.map { $0 + 1 }
        r.segmentLastFrame = bounds + [max(Int64(t[n - 1].rounded(.up)), Int64(frames[frames.count - 1]))]
        r.segmentCentreFrame = t
        r.segmentCount = [Int64](repeating: 0, count: n)
        r.segmentDrift = d
        r.segmentSigma = [SIMD3<Double>](repeating: SIMD3(repeating: .nan), count: n)
        r.attributes = [
            "command": .string("import-pyme"),
            "created": .string(created),
            "driftmpi_version": .string(DriftmpiVersion.string),
            "drift_sign": .string(DriftFile.driftSign),
            "source": .string(DriftFile.absolutePath(path)),
            "source_format": .string("PYME drift .npz (tIndex, drift in nm)"),
            "points": .int(Int64(n)),
            "frames": .int(Int64(frames.count)),
            "frames_option": .int(Int64(frameCount ?? 0)),
            "interpolation": .string("natural cubic spline through (tIndex, drift), held beyond the ends"),
            "frame_base": .int(0),  // PYME numbers frames from 0
            "dims": .int(d.contains { $0.z != 0 } ? 3 : 2),
        ]
        return r
    }
}
