import DriftCore
import DriftIO

/// Which segments are correlated and how their peaks are found (`--method`, `--window`,
/// `--max-drift-nm`, `--max-render-mb`).
public struct CorrelationOptions: Equatable, Sendable {
    /// How segments are paired.
    public var method: CorrelationMethod = .rcc
    /// RCC partners per segment.
    public var window: PairWindow = .next(5)
    /// Largest drift between any two segments that is searched, nm (localisations).
    public var maxDriftNm: Double = 1000
    /// Pairs whose correlation coefficient at the peak is below this are not used.
    public var minPeakQuality: Double = 0.01
    /// Gaussian smoothing of the correlation before the peak fit, bins.
    public var smoothingBins: Double = 1.0
    /// Renders (one segment's histogram) larger than this, MiB, are transformed by all ranks together
    /// (FFTW's MPI interface) instead of one rank each; nil: never.
    public var maxRenderMB: Double? = 2048

    public init() {}

    /// RCC partners per segment for `PairSchedule` (nil: all pairs; ignored by MCC and DCC).
    public var partners: Int? { window.partners }
    /// Whether every pair of segments is correlated (RCC with `--window all`).
    public var allPairs: Bool { method == .rcc && window == .all }

    /// The pairs correlated, as results record them (`window`): K or `all` for RCC, 1 for DCC, `sum` for MCC.
    public var windowDescription: String {
        switch method {
        case .rcc: return window.text
        case .dcc: return "1"
        case .mcc: return "sum"
        }
    }

    public func validate() throws {
        if case .next(let k) = window, k < 1 { throw OptionError("--window must be a whole number >= 1 or 'all'") }
        if let m = maxRenderMB { guard m > 0, m.isFinite else { throw OptionError("--max-render-mb must be positive") } }
        guard maxDriftNm > 0, maxDriftNm.isFinite else { throw OptionError("--max-drift-nm must be positive") }
    }

    /// `method`, `window`, `min_peak_quality`, `correlation_smoothing_bins`.
    public var attributes: [(String, AttributeValue)] {
        [("method", .string(method.rawValue)), ("window", .string(windowDescription)),
         ("min_peak_quality", .double(minPeakQuality)), ("correlation_smoothing_bins", .double(smoothingBins))]
    }
}
