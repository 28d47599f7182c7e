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
        // Candidates by cell of side 2 x radius: a point's candidates are in its cell's 3 x 3.
        let side = 2 * (radiiNm.max() ?? 1)
        func key(_ x: Double, _ y: Double) -> SIMD2<Int> { SIMD2(Int((x / side).rounded(.down)), Int((y / side).rounded(.down))) }
        // Only finite points within the grid's reach can be a bead's (so `key` never traps).
        let reach = 1e12
        func usable(_ p: SIMD3<Double>) -> Bool { p.x.isFinite && p.y.isFinite && p.z.isFinite && abs(p.x) < reach && abs(p.y) < reach }
        var byCell: [SIMD2<Int>: [Int]] = [:]
        for (b, c) in centres.enumerated() { byCell[key(c.x, c.y), default: []].append(b) }
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
                guard usable(c) else { continue }
                let k = key(c.x, c.y)
                for dy in -1...1 {
                    for dx in -1...1 {
                        guard let list = byCell[k &+ SIMD2(dx, dy)] else { continue }
                        for b in list {
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
                }
            }
            for b in seen { best[b] = .infinity }
            row = end
        }
    }
}
