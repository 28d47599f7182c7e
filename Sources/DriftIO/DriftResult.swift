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
public struct DriftResult: Equatable, Sendable {
    public var frames: [Int64] = []
    public var drift: [SIMD3<Double>] = []
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
            throw HDF5Error(path, "no dataset '\(name)' (not a driftmpi result file)")
        }
        var r = DriftResult()
        r.frames = try file.dataset("/drift/frame").read(as: Int64.self)
        r.drift = unflatten(try file.dataset("/drift/xyz").read(as: Double.self))
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

        let frame = try file.createDataset("/drift/frame", scalar: .int64, shape: [part.totalFrames])
        try frame.write(part.frames, rowOffset: part.frameOffset)
        let xyz = try file.createDataset("/drift/xyz", scalar: .float64, shape: [part.totalFrames, 3])
        try xyz.write(flat(part.drift), rowOffset: part.frameOffset)
        try xyz.setAttribute("unit", "nm")

        let s = part.totalSegments, so = part.segmentOffset
        try file.createDataset("/segments/first_frame", scalar: .int64, shape: [s]).write(part.segmentFirstFrame, rowOffset: so)
        try file.createDataset("/segments/last_frame", scalar: .int64, shape: [s]).write(part.segmentLastFrame, rowOffset: so)
        try file.createDataset("/segments/centre_frame", scalar: .float64, shape: [s]).write(part.segmentCentreFrame, rowOffset: so)
        try file.createDataset("/segments/count", scalar: .int64, shape: [s]).write(part.segmentCount, rowOffset: so)
        let sd = try file.createDataset("/segments/drift", scalar: .float64, shape: [s, 3])
        try sd.write(flat(part.segmentDrift), rowOffset: so)
        try sd.setAttribute("unit", "nm")
        let ss = try file.createDataset("/segments/sigma", scalar: .float64, shape: [s, 3])
        try ss.write(flat(part.segmentSigma), rowOffset: so)
        try ss.setAttribute("unit", "nm")

        let p = part.totalPairs, po = part.pairOffset
        try file.createDataset("/pairs/i", scalar: .int64, shape: [p]).write(part.pairI, rowOffset: po)
        try file.createDataset("/pairs/j", scalar: .int64, shape: [p]).write(part.pairJ, rowOffset: po)
        let ps = try file.createDataset("/pairs/shift", scalar: .float64, shape: [p, 3])
        try ps.write(flat(part.pairShift), rowOffset: po)
        try ps.setAttribute("unit", "nm")
        try file.createDataset("/pairs/weight", scalar: .float64, shape: [p]).write(part.pairWeight, rowOffset: po)
        try file.createDataset("/pairs/used", scalar: .uint8, shape: [p]).write(part.pairUsed, rowOffset: po)

        if part.totalFine > 0 {
            try file.createGroup("/refinement")
            let f = part.totalFine, fo = part.fineOffset
            try file.createDataset("/refinement/first_frame", scalar: .int64, shape: [f]).write(part.fineFirstFrame, rowOffset: fo)
            try file.createDataset("/refinement/last_frame", scalar: .int64, shape: [f]).write(part.fineLastFrame, rowOffset: fo)
            try file.createDataset("/refinement/centre_frame", scalar: .float64, shape: [f]).write(part.fineCentreFrame, rowOffset: fo)
            try file.createDataset("/refinement/count", scalar: .int64, shape: [f]).write(part.fineCount, rowOffset: fo)
            let fc = try file.createDataset("/refinement/correction", scalar: .float64, shape: [f, 3])
            try fc.write(flat(part.fineCorrection), rowOffset: fo)
            try fc.setAttribute("unit", "nm")
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
