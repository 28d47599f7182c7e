import DriftCore
import DriftIO

/// How an image stack is prepared and measured, in pixels (`--clip-low`, `--clip-high`,
/// `--clip-fill`, `--median`, `--bin-x`, `--bin-y`, `--bin-t`, `--max-drift-px`, `--max-residual-px`).
public struct ImageStackOptions: Equatable, Sendable {
    /// Clipping, median filter and binning of each time point (raw pixels and time points). Its
    /// `tukeyAlpha` is the stacks' default; `--tukey` replaces it (`preprocessing(tukeyAlpha:)`).
    public var preparation = ImagePreprocessing()
    /// Largest drift between two segments that is searched for, raw pixels.
    public var maxDriftPx: Double = 64
    /// Pairs whose residual exceeds this are dropped, raw pixels (0 keeps all).
    public var maxResidualPx: Double = 1

    public init() {}

    /// The residual limit for `RobustSolver`, raw pixels; nil keeps every pair.
    public var residualLimitPx: Double? { maxResidualPx > 0 ? maxResidualPx : nil }
    /// The largest drift searched, binned pixels.
    public var maxDriftBinnedPx: Double { maxDriftPx / Double(min(preparation.binX, preparation.binY)) }

    /// The preprocessing of each time point, with `tukeyAlpha` (nil: the stacks' default, `ImagePreprocessing().tukeyAlpha`).
    public func preprocessing(tukeyAlpha: Double?) -> ImagePreprocessing {
        var p = preparation
        if let tukeyAlpha { p.tukeyAlpha = tukeyAlpha }
        return p
    }

    public func validate() throws {
        let p = preparation
        guard p.median >= 0, p.median <= 15 else { throw OptionError("--median must be between 0 and 15") }
        guard p.binX >= 1, p.binY >= 1, p.binT >= 1 else { throw OptionError("--bin-x, --bin-y and --bin-t must be at least 1") }
        guard maxDriftPx > 0, maxDriftPx.isFinite else { throw OptionError("--max-drift-px must be positive") }
        guard maxResidualPx >= 0, maxResidualPx.isFinite else { throw OptionError("--max-residual-px must be 0 or positive") }
    }

    /// `bin_x`, `bin_y`, `bin_t`, `clip_low`, `clip_high`, `clip_fill`, `median`, `tukey_alpha`,
    /// `max_drift_px`, `max_residual_px`.
    public func attributes(tukeyAlpha: Double) -> [(String, AttributeValue)] {
        func clip(_ b: ClipBound?) -> String {
            switch b { case .none: return "none"; case .value(let v): return String(v); case .percentile(let p): return "p\(p)" }
        }
        let p = preparation
        return [("bin_x", .int(Int64(p.binX))), ("bin_y", .int(Int64(p.binY))), ("bin_t", .int(Int64(p.binT))),
                ("clip_low", .string(clip(p.clipLow))), ("clip_high", .string(clip(p.clipHigh))),
                ("clip_fill", .string(p.clipFill.map { String($0) } ?? "bound")), ("median", .int(Int64(p.median))),
                ("tukey_alpha", .double(tukeyAlpha)), ("max_drift_px", .double(maxDriftPx)),
                ("max_residual_px", .double(residualLimitPx ?? .infinity))]
    }
}
