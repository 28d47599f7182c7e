import DriftCore
import Foundation

/// The result file layout (HDF5), fixed for all later work:
///
/// - `/drift/frame` int64 [F]: every frame of the input, in its own numbering.
/// - `/drift/xyz` float64 [F, 3], attribute `unit` = `nm`: drift at each frame. Drift is the apparent
///   position of the sample at a frame minus its position at the first frame: corrected = raw - drift.
/// - `/segments/first_frame`, `/segments/last_frame` int64 [S], `/segments/centre_frame` float64 [S],
///   `/segments/count` int64 [S] (localisations), `/segments/drift` float64 [S, 3] (nm).
/// - `/pairs/i`, `/pairs/j` int64 [P], `/pairs/shift` float64 [P, 3] (nm, j relative to i),
///   `/pairs/weight` float64 [P], `/pairs/used` uint8 [P].
/// - With `--fiducials auto`: `/drift/source` uint8 [F] (1 where fiducial beads gave the drift, 0
///   where the correlation did) and `/drift/sigma` float64 [F] (the beads' uncertainty, nm; NaN where
///   no bead was seen).
/// - Root attributes: parameters, input, provenance.
///
/// Results from image stacks hold every vector in pixels (x, y) and slices (z), `unit` = `px`, and,
/// when the voxel size is known, `/drift/xyz_nm` (`unit` = `nm`) as well.
public struct DriftResult: Equatable, Sendable {
    public var frames: [Int64] = []
    public var drift: [SIMD3<Double>] = []
    /// Unit of `drift`, the segment drifts and the pair shifts: `nm`, or `px` for image stacks.
    public var unit: String = LengthUnit.nm.rawValue
    /// `unit` as a `LengthUnit`; nil for a file that names another unit (which readers refuse).
    public var lengthUnit: LengthUnit? { LengthUnit(rawValue: unit) }
    /// The drift in nm when `unit` is `px` and the voxel size is known (`/drift/xyz_nm`); else empty.
    public var driftNm: [SIMD3<Double>] = []
    /// Per frame with fiducials (`/drift/source`, `/drift/sigma`): 1 where beads gave the drift, 0
    /// where the correlation did; the beads' uncertainty, nm. Empty without fiducials.
    public var source: [UInt8] = []
    public var sigma: [Double] = []
    public var segmentFirstFrame: [Int64] = []
    public var segmentLastFrame: [Int64] = []
    public var segmentCentreFrame: [Double] = []
    public var segmentCount: [Int64] = []
    public var segmentDrift: [SIMD3<Double>] = []
    public var segmentSigma: [SIMD3<Double>] = []
    public var pairI: [Int64] = []
    public var pairJ: [Int64] = []
    public var pairShift: [SIMD3<Double>] = []
    public var pairWeight: [Double] = []
    public var pairUsed: [UInt8] = []
    public var fineCentreFrame: [Double] = []
    public var fineCorrection: [SIMD3<Double>] = []
    public var attributes: [String: AttributeValue] = [:]

    public init() {}

    static func flatten(_ v: [SIMD3<Double>]) -> [Double] { v.flatMap { [$0.x, $0.y, $0.z] } }
    static func unflatten(_ v: [Double]) -> [SIMD3<Double>] {
        stride(from: 0, to: v.count, by: 3).map { SIMD3(v[$0], v[$0 + 1], v[$0 + 2]) }
    }

    /// Reads a whole result file.
    public static func read(path: String) throws -> DriftResult {
        let file = try HDF5File.openReadOnly(path)
        for name in ["/drift/frame", "/drift/xyz"] where !file.exists(name) {
            throw FileFormatError(path, "no dataset '\(name)' (not a driftmpi result file)")
        }
        var r = DriftResult()
        r.frames = try file.dataset("/drift/frame").read(as: Int64.self)
        let xyz = try file.dataset("/drift/xyz")
        r.drift = unflatten(try xyz.read(as: Double.self))
        r.unit = try xyz.stringAttribute("unit") ?? LengthUnit.nm.rawValue
        if file.exists("/drift/xyz_nm") { r.driftNm = unflatten(try file.dataset("/drift/xyz_nm").read(as: Double.self)) }
        if file.exists("/drift/source") {
            r.source = try file.dataset("/drift/source").read(as: UInt8.self)
            if file.exists("/drift/sigma") { r.sigma = try file.dataset("/drift/sigma").read(as: Double.self) }
        }
        if file.exists("/segments/drift") {
            r.segmentFirstFrame = try file.dataset("/segments/first_frame").read(as: Int64.self)
            r.segmentLastFrame = try file.dataset("/segments/last_frame").read(as: Int64.self)
            r.segmentCentreFrame = try file.dataset("/segments/centre_frame").read(as: Double.self)
            r.segmentCount = try file.dataset("/segments/count").read(as: Int64.self)
            r.segmentDrift = unflatten(try file.dataset("/segments/drift").read(as: Double.self))
            if file.exists("/segments/sigma") { r.segmentSigma = unflatten(try file.dataset("/segments/sigma").read(as: Double.self)) }
        }
        if file.exists("/pairs/i") {
            r.pairI = try file.dataset("/pairs/i").read(as: Int64.self)
            r.pairJ = try file.dataset("/pairs/j").read(as: Int64.self)
            r.pairShift = unflatten(try file.dataset("/pairs/shift").read(as: Double.self))
            r.pairWeight = try file.dataset("/pairs/weight").read(as: Double.self)
            r.pairUsed = try file.dataset("/pairs/used").read(as: UInt8.self)
        }
        if file.exists("/refinement/correction") {
            r.fineCentreFrame = try file.dataset("/refinement/centre_frame").read(as: Double.self)
            r.fineCorrection = unflatten(try file.dataset("/refinement/correction").read(as: Double.self))
        }
        for name in try file.attributeNames() {
            if let s = try file.stringAttribute(name) { r.attributes[name] = .string(s) }
            else if isFloatAttribute(file, name) { if let d = try file.doubleAttribute(name) { r.attributes[name] = .double(d) } }
            else if let i = try file.int64Attribute(name) { r.attributes[name] = .int(i) }
        }
        return r
    }

    private static func isFloatAttribute(_ file: HDF5File, _ name: String) -> Bool {
        H5AttributeKind.isFloat(file: file, name: name)
    }
}
