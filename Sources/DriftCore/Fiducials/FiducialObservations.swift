/// Each candidate fiducial's localisation in each frame: the one nearest its centre (drift removed)
/// within `radiusNm`, kept as measured (drift included), with the number of localisations within the
/// radius (a bead gives one per frame; a cluster of structure gives several).
public struct FiducialObservations: Sendable {
    /// Per candidate: the frames it was seen in (increasing) and its raw position there, nm.
    public var frames: [[Int]]
    public var raw: [[SIMD3<Double>]]
    /// Per candidate: its position with the drift removed in those frames, nm.
    public var corrected: [[SIMD3<Double>]]
    /// Per candidate: localisations within the radius, all frames.
    public var within: [Int]

    /// `locs` in frame order (nm; z 0 in 2D), `drift(frames)` the drift at frames (nm, subtracted to
    /// correct), `centres` (nm, drift removed), `radiusNm` for all of them.
    public init(locs: Localisations, rows: Range<Int>, drift: ([Int]) -> [SIMD3<Double>], centres: [SIMD3<Double>], radiusNm: Double) {
        self.init(locs: locs, rows: rows, drift: drift, centres: centres, radiiNm: centres.map { _ in radiusNm })
    }

    /// As above with a radius for each centre (nm).
    public init(locs: Localisations, rows: Range<Int>, drift: ([Int]) -> [SIMD3<Double>], centres: [SIMD3<Double>], radiiNm: [Double]) {
        let n = centres.count
        precondition(radiiNm.count == n)
        frames = Array(repeating: [], count: n)
        raw = Array(repeating: [], count: n)
        corrected = Array(repeating: [], count: n)
        within = Array(repeating: 0, count: n)
        guard n > 0, !rows.isEmpty else { return }
        // Candidates by cell of side 2 x the largest radius (or more), over the centres' bounding box: each cell
        // lists the candidates of its 3 x 3, so a point needs one look-up.
        var lo = SIMD2<Double>(repeating: .infinity), hi = SIMD2<Double>(repeating: -.infinity)
        for c in centres { lo = pointwiseMin(lo, SIMD2(c.x, c.y)); hi = pointwiseMax(hi, SIMD2(c.x, c.y)) }
        // At most about 2000 cells a side, however far apart the centres are.
        let side = max(2 * (radiiNm.max() ?? 1), (hi - lo).max() / 2000)
        lo -= 2 * side
        let gw = Int(((hi.x - lo.x) / side).rounded(.down)) + 3, gh = Int(((hi.y - lo.y) / side).rounded(.down)) + 3
        var cells = [[Int]](repeating: [], count: gw * gh)
        for (b, c) in centres.enumerated() {
            let cx = Int(((c.x - lo.x) / side).rounded(.down)), cy = Int(((c.y - lo.y) / side).rounded(.down))
            for dy in -1...1 { for dx in -1...1 { cells[(cy + dy) * gw + cx + dx].append(b) } }
        }
        let first = Int(locs.frame[rows.lowerBound]), last = Int(locs.frame[rows.upperBound - 1])
        let driftPerFrame = drift(Array(first...last))
        var best = [Double](repeating: .infinity, count: n)
        var row = rows.lowerBound
        while row < rows.upperBound {
            let f = Int(locs.frame[row])
            var end = row
            while end < rows.upperBound && Int(locs.frame[end]) == f { end += 1 }
            let d = driftPerFrame[f - first]
            var seen: [Int] = []
            for i in row..<end {
                let p = SIMD3(Double(locs.x[i]), Double(locs.y[i]), locs.z.map { Double($0[i]) } ?? 0)
                let c = p - d
                // Bounds in Double first: a point far outside (or not finite) is no bead's.
                let fx = ((c.x - lo.x) / side).rounded(.down), fy = ((c.y - lo.y) / side).rounded(.down)
                guard c.z.isFinite, fx >= 0, fx < Double(gw), fy >= 0, fy < Double(gh) else { continue }
                for b in cells[Int(fy) * gw + Int(fx)] {
                    let q = SIMD2(c.x, c.y) - SIMD2(centres[b].x, centres[b].y)
                    let e = (q * q).sum()
                    guard e <= radiiNm[b] * radiiNm[b] else { continue }
                    within[b] += 1
                    if best[b] == .infinity { seen.append(b) }
                    if e < best[b] {
                        best[b] = e
                        if frames[b].last == f { raw[b][raw[b].count - 1] = p; corrected[b][corrected[b].count - 1] = c }
                        else { frames[b].append(f); raw[b].append(p); corrected[b].append(c) }
                    }
                }
            }
            for b in seen { best[b] = .infinity }
            row = end
        }
    }
}
