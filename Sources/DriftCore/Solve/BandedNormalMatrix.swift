import CLAPACK

/// The normal matrix of `DriftSolver` in LAPACK's symmetric band storage, for pairs that reach at
/// most `bandwidth` segments apart (windowed RCC and DCC: the window): (bandwidth + 1) x m values
/// instead of m x m, a solve in O(m bandwidth^2) (LAPACK dpbsv) instead of O(m^3), and the diagonal of
/// its inverse from the band Cholesky factor by the Takahashi recurrence (Takahashi, Fagan & Chin
/// 1973), also O(m bandwidth^2). For a 1,500-time-point stack the dense solve and inverse took 0.8 s
/// and 18 MB; a 100,000-point one would need 80 GB.
struct BandedNormalMatrix {
    /// Unknowns (segments 1 ..< n).
    let m: Int
    let bandwidth: Int
    /// Lower band, column major: entry (r, c), c <= r <= c + bandwidth, at (r - c) + c (bandwidth + 1).
    var band: [Double]

    /// The widest reach of the used pairs, in segments.
    static func bandwidth(of pairs: [PairShift]) -> Int {
        pairs.reduce(0) { $1.used ? max($0, abs($1.j - $1.i)) : $0 }
    }

    /// Whether the band form pays: a narrow band in a large system.
    static func pays(unknowns m: Int, bandwidth k: Int) -> Bool { m >= 64 && 4 * k < m }

    init(segmentCount n: Int, pairs: [PairShift], bandwidth k: Int) {
        m = max(n - 1, 0)
        bandwidth = k
        band = [Double](repeating: 0, count: (k + 1) * m)
        func add(_ r: Int, _ c: Int, _ v: Double) {
            let (lo, hi) = r >= c ? (c, r) : (r, c)
            band[(hi - lo) + lo * (k + 1)] += v
        }
        for p in pairs where p.used {
            let w = p.weight, ui = p.i - 1, uj = p.j - 1
            if ui >= 0 { add(ui, ui, w) }
            if uj >= 0 { add(uj, uj, w) }
            if ui >= 0 && uj >= 0 { add(ui, uj, -w) }
        }
    }

    /// Solves A x = b for the three columns of `b` (m x 3, column major) in place.
    mutating func solve(_ b: inout [Double]) throws {
        let info = LAPACKE_dpbsv(LAPACK_COL_MAJOR, Int8(UInt8(ascii: "L")), Int32(m), Int32(bandwidth), 3,
                                 &band, Int32(bandwidth + 1), &b, Int32(m))
        guard info == 0 else { throw DriftSolverError.lapack(info: Int(info)) }
    }

    /// The diagonal of A^-1. With A = L L^T (L lower, bandwidth k), Z = A^-1 satisfies, from the last
    /// row up, Z_ij = -(1 / L_ii) sum_{l = i+1}^{i+k} L_li Z_lj for i < j <= i + k, and
    /// Z_ii = 1 / L_ii^2 - (1 / L_ii) sum_{l = i+1}^{i+k} L_li Z_li: only entries within the band.
    func inverseDiagonal() throws -> [Double] {
        var l = band
        let k = bandwidth, ld = k + 1
        let info = LAPACKE_dpbtrf(LAPACK_COL_MAJOR, Int8(UInt8(ascii: "L")), Int32(m), Int32(k), &l, Int32(ld))
        guard info == 0 else { throw DriftSolverError.lapack(info: Int(info)) }
        func factor(_ r: Int, _ c: Int) -> Double { l[(r - c) + c * ld] }        // L_rc, c <= r <= c + k
        // Z within the band, stored like A: z[(r - c) + c ld] = Z_rc = Z_cr.
        var z = [Double](repeating: 0, count: ld * m)
        func inverse(_ r: Int, _ c: Int) -> Double { r >= c ? z[(r - c) + c * ld] : z[(c - r) + r * ld] }
        for i in stride(from: m - 1, through: 0, by: -1) {
            let last = min(i + k, m - 1), lii = factor(i, i)
            for j in stride(from: last, to: i, by: -1) {
                var sum = 0.0
                for r in (i + 1)...last { sum += factor(r, i) * inverse(r, j) }
                z[(j - i) + i * ld] = -sum / lii
            }
            var sum = 0.0
            if last > i { for r in (i + 1)...last { sum += factor(r, i) * inverse(r, i) } }
            z[i * ld] = 1 / (lii * lii) - sum / lii
        }
        return (0..<m).map { z[$0 * ld] }
    }
}
