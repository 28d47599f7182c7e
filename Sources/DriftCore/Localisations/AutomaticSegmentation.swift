/// The time segments `estimate` uses when none are asked for: segments of equal localisation counts
/// (so they lie only where there are localisations, lengthen as the density falls, and segments on
/// either side of a gap in time are neighbours, correlated with each other), their count chosen from
/// the data:
///
///     L = min(density x 1000 frames, N / 10), then at least max(200, minSegmentLocs), at most N / 2
///
/// with N the localisations and density = N / frames of the acquisition's span. Data of steady density
/// get segments of about 1000 frames (what a whole acquisition of thousands of frames resolves at
/// the coarse pass; the fine pass resolves time much more finely); a short acquisition (tens to
/// hundreds of frames) gets 10 segments; sparse data get segments of at least 200 localisations, the
/// fewest that give a clear correlation peak on the structures and beads we have tried, and at
/// least 2 segments.
///
/// From 32 segments up, their count is then rounded to the nearest multiple of 16 (from 96 up, of 48;
/// down where up would leave segments under the fewest localisations above), so that 2, 4, 8 and 16
/// ranks (and from 96 segments also 3, 6, 12, 24 and 48) own equal numbers of segments: ranks own
/// whole segments, and on 100 segments 16 ranks own 6 or 7, the ranks with 7 doing
/// 12 % more of the time-owned work (reading, rendering, transforms, pairs). The count still depends
/// on the data alone, never on the ranks.
public struct AutomaticSegmentation: Equatable, Sendable {
    /// Frames a segment spans on data of steady density.
    public static let framesAtSteadyDensity = 1000
    /// Segments of a short acquisition.
    public static let segmentsOfShortRuns = 10
    /// The fewest localisations per segment (before `minSegmentLocs` raises it).
    public static let fewestLocalisations = 200

    /// Localisations per segment.
    public let localisationsPerSegment: Int

    /// `localisations`: N, of the whole input; `frames`: the acquisition's span in frames;
    /// `minSegmentLocs`: segments with fewer are not correlated. Nil when N cannot make 2 segments of
    /// `minSegmentLocs` (or of 10, the smallest segment by count).
    public init?(localisations n: Int, frames: Int, minSegmentLocs: Int) {
        let floor = max(minSegmentLocs, 10)
        guard n >= 2 * floor else { return nil }
        let perFrame = Double(n) / Double(max(frames, 1))
        var l = min(perFrame * Double(Self.framesAtSteadyDensity), Double(n) / Double(Self.segmentsOfShortRuns))
        let fewest = Double(max(Self.fewestLocalisations, floor))
        l = max(l, fewest)
        l = min(l, Double(n) / 2)
        l = Double(n) / Self.balancedCount(Double(n) / l, atMost: Double(n) / fewest)
        localisationsPerSegment = max(floor, Int(l.rounded(.down)))
    }

    /// A count of segments (`count`, N / L) rounded as the type's notes say: to the nearest multiple of
    /// 48 from 96, of 16 from 32, unchanged below; down to one where the nearest is over `atMost`.
    static func balancedCount(_ count: Double, atMost: Double = .infinity) -> Double {
        let step: Double = count >= 96 ? 48 : count >= 32 ? 16 : 1
        guard step > 1 else { return count }
        let nearest = max(1, (count / step).rounded()) * step
        return nearest <= atMost ? nearest : max(1, (count / step).rounded(.down)) * step
    }
}
