import DriftCore
import Foundation

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
    public var unit: String = LengthUnit.nm.rawValue
    public var driftNm: [SIMD3<Double>]?
    /// Per frame, with fiducials (`/drift/source`, `/drift/sigma`): 1 where fiducial beads gave the
    /// drift, 0 where the correlation did; the fiducials' uncertainty, nm (NaN where none was seen).
    /// Every process passes them or none does.
    public var source: [UInt8]?
    public var sigma: [Double]?
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
