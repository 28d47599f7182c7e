import DriftCore

/// Where segments' localisations lie in a rank's table (in frame order).
enum SegmentRows {
    /// Row indices (into the locally read table) of the segments `segs`.
    static func rows(of segs: Range<Int>, in locs: Localisations, _ segmentation: Segmentation) -> Range<Int> {
        let lo = segmentation.segments[segs.lowerBound].firstFrame
        let hi = segmentation.segments[segs.upperBound - 1].lastFrame
        return FrameSearch.rows(locs.frame, frames: lo, through: hi)
    }

    /// Mean frame of segment `seg`'s localisations (rows `r` of `locs`); its middle frame when empty.
    static func centre(of seg: Int, rows r: Range<Int>, locs: Localisations, _ segmentation: Segmentation) -> Double {
        var sum = 0.0
        for k in r { sum += Double(locs.frame[k]) }
        return r.isEmpty ? segmentation.segments[seg].midFrame : sum / Double(r.count)
    }
}
