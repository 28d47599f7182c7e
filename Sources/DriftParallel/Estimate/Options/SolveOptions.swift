import DriftCore
import DriftIO

/// How the pair shifts become segment drifts and a drift at every frame (`--max-residual-nm`,
/// `--smoothing`).
public struct SolveOptions: Equatable, Sendable {
    /// Pairs whose residual exceeds this are dropped, worst first, while the pairs still connect every
    /// segment, nm (localisations); 0 keeps every pair.
    public var maxResidualNm: Double = 10
    /// Smoothing of the spline through the segment drifts (0 = interpolating; see `SmoothingSpline`).
    public var smoothing: Double = 0

    /// How results turn segment drifts into the drift at every frame (`interpolation`).
    public static let interpolationNote = "cubic spline through segment centres (smoothing 0: interpolating), held beyond the ends"

    public init() {}

    /// The residual limit for `RobustSolver`, nm; nil keeps every pair.
    public var residualLimitNm: Double? { maxResidualNm > 0 ? maxResidualNm : nil }

    public func validate() throws {
        guard maxResidualNm >= 0, maxResidualNm.isFinite else { throw OptionError("--max-residual-nm must be 0 or positive") }
        guard smoothing >= 0, smoothing.isFinite else { throw OptionError("--smoothing must be 0 or positive") }
    }

    /// `smoothing`, `interpolation` (the residual limit is recorded in the input's unit by each path).
    public var attributes: [(String, AttributeValue)] {
        [("smoothing", .double(smoothing)), ("interpolation", .string(Self.interpolationNote))]
    }
}
