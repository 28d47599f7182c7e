import DriftCore
import DriftIO

/// The segments of a localisation input, their pairs, and which rank owns which: segments go to ranks
/// in contiguous ranges balanced by their estimated cost (`SegmentCosts`).
struct SegmentPlan {
    let segmentation: Segmentation
    /// Localisations per segment chosen from the data (`AutomaticSegmentation`); nil when the
    /// options gave the segments.
    let chosenLocalisations: Int?
    let schedule: PairSchedule
    let ownership: Ownership
    /// The first row of each segment's core (the frames it stands for) in the table sorted by frame
    /// and, last, the first row after the last core.
    let boundaries: [Int64]

    /// Cuts the frames into segments, pairs them and shares them out (collective).
    init(file: LocalisationTable, geometry: InputGeometry, column: FrameColumn, options o: EstimateOptions,
         binNm: Double, communicator comm: Communicator) throws {
        let (segmentation, chosen) = try Self.segmentation(file: file, geometry: geometry, column: column, options: o, communicator: comm)
        let s = segmentation.count
        let schedule = PairSchedule(method: o.correlation.method, segmentation: segmentation, window: o.correlation.partners)
        // Reading, rendering and refinement scale with the segments' localisations (counted from
        // each rank's block of the frame column), transforms and correlations with their pairs.
        // With all pairs the pairs dominate, and ranges hold equal numbers of segments.
        let boundaries = Self.boundaries(frameBlock: column.sortedFrames, segmentation: segmentation, communicator: comm)
        let field = geometry.field
        let costs = SegmentCosts(method: o.correlation.method, refine: o.refinement.enabled)
        let weights = o.correlation.allPairs ? [Int64](repeating: 1, count: s)
            : costs.costs(rows: (0..<s).map { boundaries[$0 + 1] - boundaries[$0] }, schedule: schedule,
                          binsPerRender: (field.x / binNm) * (field.y / binNm))
        self.segmentation = segmentation
        self.chosenLocalisations = chosen
        self.schedule = schedule
        self.ownership = Ownership(weights: weights, processCount: comm.size)
        self.boundaries = boundaries
    }

    /// Frames of rank `rank`'s segments (overlapping segments: the last one's frames beyond its core
    /// too); nil when it owns none.
    func frames(of rank: Int) -> ClosedRange<Int>? {
        let segs = ownership.segments(of: rank)
        return segs.isEmpty ? nil
            : segmentation.segments[segs.lowerBound].firstFrame...segmentation.segments[segs.upperBound - 1].lastFrame
    }

    /// Segments by frames (with an optional step), by localisation count, or by the count chosen from
    /// the data (`AutomaticSegmentation`; returned). For counts, the ranks find the frame of every
    /// N-th localisation in frame order together.
    static func segmentation(file: LocalisationTable, geometry: InputGeometry, column: FrameColumn, options o: EstimateOptions,
                             communicator comm: Communicator) throws -> (Segmentation, Int?) {
        let frameCount = geometry.frameCount
        let seg = o.segmentation
        var chosen: Int?
        if seg.automatic {
            guard let a = AutomaticSegmentation(localisations: file.rowCount, frames: frameCount, minSegmentLocs: seg.minLocalisations) else {
                let fewest = max(seg.minLocalisations, 10)
                throw CollectiveFailure(message: "\(o.input): \(file.rowCount) localisations are too few for 2 segments of \(fewest) (--min-segment-locs)", rank: 0)
            }
            chosen = a.localisationsPerSegment
        }
        let segmentation: Segmentation
        if let n = seg.localisations ?? chosen {
            // A segment starts at every n-th localisation in frame order; a last part under half a
            // segment joins the one before.
            let positions = Array(stride(from: n, to: max(n, file.rowCount - n / 2), by: n))
            let starts = [Int64(geometry.firstFrame)] + column.frames(atSortedPositions: positions, communicator: comm)
            segmentation = Segmentation.byStarts(starts.map { Int($0) }, lastFrame: geometry.lastFrame)
        } else {
            segmentation = Segmentation.byFrames(firstFrame: geometry.firstFrame, frameCount: frameCount,
                                                 segmentFrames: seg.frames ?? frameCount, step: seg.step)
        }
        guard segmentation.count >= 2 else {
            let what: String, fix: String
            if let n = chosen {
                what = "its \(file.rowCount) localisations fall in too few frames for 2 segments of \(n)"
                fix = "--segment-frames 1"
            } else if let n = seg.localisations {
                what = "\(file.rowCount) localisations make fewer than 2 segments of \(n)"
                fix = "a smaller --segment-locs"
            } else {
                what = "\(frameCount) frames make fewer than 2 segments of \(seg.frames ?? 0) frames"
                fix = "a smaller --segment-frames"
            }
            throw CollectiveFailure(message: "\(o.input): \(what); use \(fix)", rank: 0)
        }
        return (segmentation, chosen)
    }

    /// The first row of each segment's core and, last, the first row after the last core: each rank
    /// counts, in its block of the (sorted) frame column, the rows before each boundary frame, and the
    /// counts are summed over ranks.
    static func boundaries(frameBlock: [Int64], segmentation: Segmentation, communicator comm: Communicator) -> [Int64] {
        let s = segmentation.count
        let frames = (0..<s).map { segmentation.core($0).lowerBound } + [segmentation.core(s - 1).upperBound + 1]
        var before = frames.map { Int64(FrameSearch.lowerBound(frameBlock, $0)) }
        comm.allreduceSum(&before)
        return before
    }
}
