import DriftCore

/// Parameters of a drift estimate from localisations.
public struct EstimateOptions: Sendable {
    /// Input Picasso `.hdf5` file (with its `.yaml`).
    public var input: String
    /// Result file to write.
    public var output: String
    /// Frames per time segment.
    public var segmentFrames: Int = 1000
    /// Histogram bin size, nm.
    public var binNm: Double = 30
    /// Pairs per segment: each segment is correlated with the next `window` ones; nil = all pairs.
    public var window: Int? = 5
    /// Tukey window parameter on the field's edges (0 = none).
    public var tukeyAlpha: Double = 0.1
    /// Largest drift between any two segments that is searched, nm.
    public var maxDriftNm: Double = 1000
    /// Gaussian smoothing of the correlation before the peak fit, bins.
    public var correlationSmoothingBins: Double = 1.0
    /// Refine the coarse drift at finer time and space resolution (see `Refinement`).
    public var refine: Bool = true
    public var refinement = RefinementOptions()
    /// A truth file (`frame,dx_nm,dy_nm,dz_nm`) to measure the RMSE against.
    public var truth: String?
    /// Print the time of each phase.
    public var timings: Bool = false
    /// No progress lines.
    public var quiet: Bool = false

    public init(input: String, output: String) {
        self.input = input
        self.output = output
    }
}
