/// The drift seen by fiducial beads in each frame: each bead's deviation from where it sits, combined
/// over beads weighted by their precision, with the beads that disagree with the others left out.
public enum FiducialTrack {
    /// The median of `values` (the mean of the middle two for an even count); `values` not empty.
    public static func median(_ values: [Double]) -> Double {
        let s = values.sorted()
        let n = s.count
        return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2
    }

    /// Beads kept from `rms` (each bead's RMS deviation from the consensus, nm; nil: not a bead):
    /// those within `factor` x the median RMS (and within `floorNm` of any), at least the best one.
    public static func kept(rms: [Double?], factor: Double = 3, floorNm: Double = 1) -> [Bool] {
        let known = rms.compactMap { $0 }
        guard !known.isEmpty else { return rms.map { _ in false } }
        let limit = max(factor * median(known), floorNm)
        var keep = rms.map { r in r.map { $0 <= limit } ?? false }
        if !keep.contains(true), let best = rms.indices.filter({ rms[$0] != nil }).min(by: { rms[$0]! < rms[$1]! }) { keep[best] = true }
        return keep
    }

    /// Frames covered by the beads: those seen, and those in a gap of at most `bridge` frames
    /// between two seen frames. `seen[k]`: whether frame k had a bead.
    public static func covered(seen: [Bool], bridge: Int) -> [Bool] {
        var out = seen
        var last: Int?
        for k in seen.indices where seen[k] {
            if let l = last, k - l - 1 <= bridge, k - l > 1 { for j in (l + 1)..<k { out[j] = true } }
            last = k
        }
        return out
    }
}
