/// Where fiducial beads may be: a bead is localised at one place (after the drift is removed) in
/// most frames, so the square cells around it hold about one localisation per frame, far more than
/// any structure or background does.
public enum FiducialCandidates {
    /// Cell side of the counts, nm.
    public static let cellNm = 200.0

    /// The count-weighted centres (nm, from the grid's origin) of the 3 x 3 neighbourhoods of the cells
    /// that hold the most localisations of any cell around them (ties: the first in row order) and
    /// whose neighbourhood holds at least `minimum`. `counts`: `width` x `height` cells, row by row, of side `cellNm`.
    public static func find(counts: [Int32], width: Int, height: Int, cellNm: Double = cellNm, minimum: Int) -> [SIMD2<Double>] {
        precondition(counts.count == width * height)
        func sum(_ cx: Int, _ cy: Int) -> Int {
            var s = 0
            for y in max(cy - 1, 0)...min(cy + 1, height - 1) {
                for x in max(cx - 1, 0)...min(cx + 1, width - 1) { s += Int(counts[y * width + x]) }
            }
            return s
        }
        var out: [SIMD2<Double>] = []
        guard width > 0, height > 0, minimum > 0 else { return out }
        for cy in 0..<height {
            for cx in 0..<width where counts[cy * width + cx] > 0 {
                let s = sum(cx, cy)
                guard s >= minimum else { continue }
                // The fullest cell around it (the first in row order among equals): a bead's own.
                let here = counts[cy * width + cx]
                var best = true
                for y in max(cy - 1, 0)...min(cy + 1, height - 1) where best {
                    for x in max(cx - 1, 0)...min(cx + 1, width - 1) where (x, y) != (cx, cy) {
                        let t = counts[y * width + x]
                        if t > here || (t == here && y * width + x < cy * width + cx) { best = false; break }
                    }
                }
                guard best else { continue }
                var c = SIMD2<Double>.zero
                for y in max(cy - 1, 0)...min(cy + 1, height - 1) {
                    for x in max(cx - 1, 0)...min(cx + 1, width - 1) {
                        let w = Double(counts[y * width + x])
                        let centre = SIMD2<Double>(Double(x) + 0.5, Double(y) + 0.5) * cellNm
                        c += w * centre
                    }
                }
                out.append(c / Double(s))
            }
        }
        return out
    }
}
