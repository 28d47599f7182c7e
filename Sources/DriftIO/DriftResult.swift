import Foundation

/// A value stored as a root attribute of a result file.
public enum AttributeValue: Equatable, Sendable, CustomStringConvertible {
    case string(String)
    case double(Double)
    case int(Int64)

    public var description: String {
        switch self {
        case .string(let s): return s
        case .double(let d): return String(d)
        case .int(let i): return String(i)
        }
    }
}

/// The result file layout (HDF5), fixed for all later work:
///
/// - `/drift/frame` int64 [F]: every frame of the input, in its own numbering.
/// - `/drift/xyz` float64 [F, 3], attribute `unit` = `nm`: drift at each frame. Drift is the apparent
///   position of the sample at a frame minus its position at the first frame: corrected = raw - drift.
/// - `/segments/first_frame`, `/segments/last_frame` int64 [S], `/segments/centre_frame` float64 [S],
///   `/segments/count` int64 [S] (localisations), `/segments/drift` float64 [S, 3] (nm).
/// - `/pairs/i`, `/pairs/j` int64 [P], `/pairs/shift` float64 [P, 3] (nm, j relative to i),
///   `/pairs/weight` float64 [P], `/pairs/used` uint8 [P].
/// - Root attributes: parameters, input, provenance.
///
/// Results from image stacks hold every vector in pixels (x, y) and slices (z), `unit` = `px`, and,
/// when the voxel size is known, `/drift/xyz_nm` (`unit` = `nm`) as well.
public struct DriftResult: Equatable, Sendable {
    public var frames: [Int64] = []
    public var drift: [SIMD3<Double>] = []
    /// Unit of `drift`, the segment drifts and the pair shifts: `nm`, or `px` for image stacks.
    public var unit: String = "nm"
    /// The drift in nm when `unit` is `px` and the voxel size is known (`/drift/xyz_nm`); else empty.
    public var driftNm: [SIMD3<Double>] = []
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
        r.unit = try xyz.stringAttribute("unit") ?? "nm"
        if file.exists("/drift/xyz_nm") { r.driftNm = unflatten(try file.dataset("/drift/xyz_nm").read(as: Double.self)) }
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

/// One process's share of a result file: rows of each table starting at an offset. Every process of
/// a parallel write passes its own part; one process writing alone passes the whole result.
public struct DriftResultPart: Sendable {
    /// Totals over all processes.
    public var totalFrames: Int
    public var totalSegments: Int
    public var totalPairs: Int
    /// This part's rows and where they start.
    public var frameOffset: Int = 0
    public var frames: [Int64] = []
    public var drift: [SIMD3<Double>] = []
    /// Unit of every vector: `nm`, or `px` for image stacks (then `driftNm`, when given, is also written).
    public var unit: String = "nm"
    public var driftNm: [SIMD3<Double>]?
    public var segmentOffset: Int = 0
    public var segmentFirstFrame: [Int64] = []
    public var segmentLastFrame: [Int64] = []
    public var segmentCentreFrame: [Double] = []
    public var segmentCount: [Int64] = []
    public var segmentDrift: [SIMD3<Double>] = []
    /// Uncertainty (one standard deviation) of each segment's drift, nm.
    public var segmentSigma: [SIMD3<Double>] = []
    public var pairOffset: Int = 0
    public var pairI: [Int64] = []
    public var pairJ: [Int64] = []
    public var pairShift: [SIMD3<Double>] = []
    public var pairWeight: [Double] = []
    public var pairUsed: [UInt8] = []
    /// Refinement segments (`/refinement/...`), when refinement ran.
    public var totalFine: Int = 0
    public var fineOffset: Int = 0
    public var fineFirstFrame: [Int64] = []
    public var fineLastFrame: [Int64] = []
    public var fineCentreFrame: [Double] = []
    public var fineCount: [Int64] = []
    public var fineCorrection: [SIMD3<Double>] = []

    public init(totalFrames: Int, totalSegments: Int, totalPairs: Int) {
        self.totalFrames = totalFrames
        self.totalSegments = totalSegments
        self.totalPairs = totalPairs
    }
}

/// Writes result files in the `DriftResult` layout.
public enum DriftResultWriter {
    /// Writes `part` into a new file at `path` (the caller handles the temporary name). Under
    /// `.parallel` every process calls this together with identical totals and attributes.
    public static func write(_ part: DriftResultPart, attributes: [(String, AttributeValue)],
                             to path: String, access: H5Access) throws {
        let file = try HDF5File.create(path, access: access)
        for g in ["/drift", "/segments", "/pairs"] { try file.createGroup(g) }
        let flat = DriftResult.flatten

        // One column of `total` rows, of which this part writes `values` from `offset`; vectors (x, y, z) in nm.
        func column<T: H5Element>(_ name: String, _ scalar: H5Scalar, _ total: Int, _ offset: Int, _ values: [T]) throws {
            try file.createDataset(name, scalar: scalar, shape: [total]).write(values, rowOffset: offset)
        }
        func vectors(_ name: String, _ total: Int, _ offset: Int, _ values: [SIMD3<Double>]) throws {
            let d = try file.createDataset(name, scalar: .float64, shape: [total, 3])
            try d.write(flat(values), rowOffset: offset)
            try d.setAttribute("unit", part.unit)
        }

        try column("/drift/frame", .int64, part.totalFrames, part.frameOffset, part.frames)
        try vectors("/drift/xyz", part.totalFrames, part.frameOffset, part.drift)
        if let nm = part.driftNm {
            let d = try file.createDataset("/drift/xyz_nm", scalar: .float64, shape: [part.totalFrames, 3])
            try d.write(flat(nm), rowOffset: part.frameOffset)
            try d.setAttribute("unit", "nm")
        }

        let s = part.totalSegments, so = part.segmentOffset
        try column("/segments/first_frame", .int64, s, so, part.segmentFirstFrame)
        try column("/segments/last_frame", .int64, s, so, part.segmentLastFrame)
        try column("/segments/centre_frame", .float64, s, so, part.segmentCentreFrame)
        try column("/segments/count", .int64, s, so, part.segmentCount)
        try vectors("/segments/drift", s, so, part.segmentDrift)
        try vectors("/segments/sigma", s, so, part.segmentSigma)

        let p = part.totalPairs, po = part.pairOffset
        try column("/pairs/i", .int64, p, po, part.pairI)
        try column("/pairs/j", .int64, p, po, part.pairJ)
        try vectors("/pairs/shift", p, po, part.pairShift)
        try column("/pairs/weight", .float64, p, po, part.pairWeight)
        try column("/pairs/used", .uint8, p, po, part.pairUsed)

        if part.totalFine > 0 {
            try file.createGroup("/refinement")
            let f = part.totalFine, fo = part.fineOffset
            try column("/refinement/first_frame", .int64, f, fo, part.fineFirstFrame)
            try column("/refinement/last_frame", .int64, f, fo, part.fineLastFrame)
            try column("/refinement/centre_frame", .float64, f, fo, part.fineCentreFrame)
            try column("/refinement/count", .int64, f, fo, part.fineCount)
            try vectors("/refinement/correction", f, fo, part.fineCorrection)
        }

        for (name, value) in attributes {
            switch value {
            case .string(let v): try file.setAttribute(name, v)
            case .double(let v): try file.setAttribute(name, v)
            case .int(let v): try file.setAttribute(name, v)
            }
        }
    }
}
