import DriftCore
import DriftIO

/// How an image stack is prepared and measured, in pixels (`--clip-low`, `--clip-high`,
/// `--clip-fill`, `--median`, `--bin-x`, `--bin-y`, `--bin-t`, `--max-drift-px`, `--max-residual-px`).
public struct ImageStackOptions: Equatable, Sendable {
    /// Pixels below / above these bounds (values or percentiles of each plane) are clipped.
    public var clipLow: ClipBound?
    public var clipHigh: ClipBound?
    /// Value given to clipped pixels; nil: the bound they crossed.
    public var clipFill: Double?
    /// Side of a square median filter on each plane, pixels (0: none).
    public var median: Int = 0
    /// Pixels averaged in x and y (remainder cropped), and time points averaged into one segment.
    public var binX: Int = 1
    public var binY: Int = 1
    public var binT: Int = 1
    /// Largest drift between two segments that is searched for, raw pixels.
    public var maxDriftPx: Double = 64
    /// Pairs whose residual exceeds this are dropped, raw pixels (0 keeps all).
    public var maxResidualPx: Double = 1

    /// The Tukey window parameter for image stacks when `--tukey` is not given.
    public static let defaultTukeyAlpha = 0.25

    public init() {}

    /// The residual limit for `RobustSolver`, raw pixels; nil keeps every pair.
    public var residualLimitPx: Double? { maxResidualPx > 0 ? maxResidualPx : nil }
    /// The largest drift searched, binned pixels.
    public var maxDriftBinnedPx: Double { maxDriftPx / Double(min(binX, binY)) }

    /// The preprocessing of each time point, with `tukeyAlpha` (nil: `defaultTukeyAlpha`).
    public func preprocessing(tukeyAlpha: Double?) -> ImagePreprocessing {
        var p = ImagePreprocessing()
        p.clipLow = clipLow
        p.clipHigh = clipHigh
        p.clipFill = clipFill
        p.median = median
        p.binX = binX
        p.binY = binY
        p.binT = binT
        p.tukeyAlpha = tukeyAlpha ?? Self.defaultTukeyAlpha
        return p
    }

    public func validate() throws {
        guard median >= 0, median <= 15 else { throw OptionError("--median must be between 0 and 15") }
        guard binX >= 1, binY >= 1, binT >= 1 else { throw OptionError("--bin-x, --bin-y and --bin-t must be at least 1") }
        guard maxDriftPx > 0, maxDriftPx.isFinite else { throw OptionError("--max-drift-px must be positive") }
        guard maxResidualPx >= 0, maxResidualPx.isFinite else { throw OptionError("--max-residual-px must be 0 or positive") }
    }

    /// `bin_x`, `bin_y`, `bin_t`, `clip_low`, `clip_high`, `clip_fill`, `median`, `tukey_alpha`,
    /// `max_drift_px`, `max_residual_px`.
    public func attributes(tukeyAlpha: Double) -> [(String, AttributeValue)] {
        func clip(_ b: ClipBound?) -> String {
            switch b { case .none: return "none"; case .value(let v): return String(v); case .percentile(let p): return "p\(p)" }
        }
        return [("bin_x", .int(Int64(binX))), ("bin_y", .int(Int64(binY))), ("bin_t", .int(Int64(binT))),
                ("clip_low", .string(clip(clipLow))), ("clip_high", .string(clip(clipHigh))),
                ("clip_fill", .string(clipFill.map { String($0) } ?? "bound")), ("median", .int(Int64(median))),
                ("tukey_alpha", .double(tukeyAlpha)), ("max_drift_px", .double(maxDriftPx)),
                ("max_residual_px", .double(residualLimitPx ?? .infinity))]
    }
}
