import DriftCore

/// Rank 0's solve, as every rank receives it.
struct SolveOutcome {
    var drift: [SIMD3<Double>]
    var sigma: [SIMD3<Double>]
    /// Each segment's total weight of used pairs (the information behind its drift).
    var weight: [Double]
    /// Every pair of every rank, in (i, j) order, with its used flag.
    var pairs: [PairShift]
    var rmsResidualNm: Double
}
