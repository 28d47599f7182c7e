import DriftCore
import DriftIO

/// Parameters of a drift estimate from localisations.
public struct EstimateOptions: Sendable {
    /// Input localisation file (Picasso, PYME, ThunderSTORM or CSV; see `LocalisationTables`).
    public var input: String
    /// How to read a CSV input (columns, units, frame base).
    public var table = TableOptions()
    /// Result file to write.
    public var output: String
    /// How segments are paired.
    public var method: CorrelationMethod = .rcc
    /// Frames per time segment (when `segmentLocalisations` is nil).
    public var segmentFrames: Int = 1000
    /// Frames between segment starts (nil: `segmentFrames`, no overlap).
    public var segmentStep: Int?
    /// Localisations per segment instead of a fixed frame count (segments of equal counts).
    public var segmentLocalisations: Int?
    /// 2 or 3; nil: 3 when the input has z.
    public var dims: Int?
    /// Also write the localisations with the drift removed here, in the input's format.
    public var writeCorrected: String?
    /// Files the command writes after the pipeline (plot, summary), checked with the outputs before any work.
    public var laterOutputs: [String] = []
    /// Replace outputs that exist (`--force`); otherwise an existing output is an error before any work.
    public var replaceOutputs = false
    /// Renders (one segment's histogram) larger than this, MiB, are transformed by all ranks together
    /// (FFTW's MPI interface) instead of one rank each; nil: never.
    public var maxRenderMB: Double? = 2048
    /// Histogram bin size in x and y, nm.
    public var binNm: Double = 60
    /// Raise `binNm` for large fields so that the field spans at most `autoBinSide` bins (the
    /// refinement, not the bin size, sets the final accuracy; coarse segments are limited by their
    /// length in time, not by 60 nm bins: see docs/benchmarks.md).
    public var autoBin: Bool = false
    /// Bins across the field's longer side beyond which `autoBin` makes bins larger.
    public static let autoBinSide = 750.0
    /// Histogram bin size in z, nm (3D).
    public var binZNm: Double = 50
    /// RCC partners per segment; nil = all pairs.
    public var window: Int? = 5
    /// Tukey window parameter on the field's edges (0 = none).
    public var tukeyAlpha: Double = 0.1
    /// Largest drift between any two segments that is searched, nm.
    public var maxDriftNm: Double = 1000
    /// Pairs whose residual exceeds this are dropped (while the pairs still connect every segment), nm;
    /// nil keeps every pair.
    public var maxResidualNm: Double? = 10
    /// Segments with fewer localisations are not correlated.
    public var minSegmentLocalisations: Int = 50
    /// Pairs whose correlation coefficient at the peak is below this are not used.
    public var minPeakQuality: Double = 0.01
    /// Gaussian smoothing of the correlation before the peak fit, bins.
    public var correlationSmoothingBins: Double = 1.0
    /// Smoothing of the spline through the segment drifts (0 = interpolating; see `SmoothingSpline`).
    public var smoothing: Double = 0
    /// Refine the coarse drift at finer time and space resolution (see `Refinement`).
    public var refine: Bool = true
    public var refinement = RefinementOptions()
    /// A truth file (`frame,dx_nm,dy_nm,dz_nm`) to measure the RMSE against.
    public var truth: String?
    /// Image stacks: how time points are prepared, the largest drift searched (raw pixels) and the
    /// largest pair residual kept (raw pixels).
    public var image = ImagePreprocessing()
    public var maxDriftPx: Double = 64
    public var maxResidualPx: Double? = 1
    /// Refine correlation peaks to the maximum of the continuous correlation (image stacks, whose
    /// peaks are not Gaussian; see `CrossCorrelator.refinedPeak`).
    public var continuousPeak = false
    /// Progress as JSON lines on standard error (see `Progress`).
    public var logJSON = false
    /// No progress lines.
    public var quiet: Bool = false

    public init(input: String, output: String) {
        self.input = input
        self.output = output
    }
}

extension EstimateOptions {
    /// The pairs correlated, as results record them (`window`): K or `all` for RCC, 1 for DCC, `sum` for MCC.
    public var windowDescription: String {
        switch method {
        case .rcc: return window.map(String.init) ?? "all"
        case .dcc: return "1"
        case .mcc: return "sum"
        }
    }

    /// How results turn segment drifts into the drift at every frame (`interpolation`).
    public static let interpolationNote = "cubic spline through segment centres (smoothing 0: interpolating), held beyond the ends"
}
