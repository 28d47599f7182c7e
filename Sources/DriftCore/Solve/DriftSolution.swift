import CLAPACK

/// The result of a robust drift solve.
public struct DriftSolution: Sendable {
    /// Drift of each segment, nm (x, y, z), relative to segment 0 (drift[0] = 0).
    public var drift: [SIMD3<Double>]
    /// The pairs as given, with `used` cleared on those the rejection dropped.
    public var pairs: [PairShift]
    /// Residual of every pair (used or not), nm: measured shift minus (drift[j] - drift[i]).
    public var residuals: [SIMD3<Double>]
    /// One-standard-deviation uncertainty of each segment's drift, nm, per axis, estimated from the
    /// residuals of the used pairs (0 for segment 0, which defines the origin).
    public var segmentSigma: [SIMD3<Double>]
    /// Root-mean-square residual length |residual| over the used pairs, nm (unweighted; 0 if none).
    public var rmsResidualNm: Double
    /// Number of pairs the rejection dropped (pairs given with `used == false` are not counted).
    public var dropped: Int
}
