/// Settings of the refinement pass.
public struct RefinementOptions: Sendable {
    /// A fine segment holds at least this many localisations (where the data allow)...
    public var minLocalisations: Int = 150
    /// ...and at least this many frames.
    public var minFrames: Int = 50
    /// Gaussian kernel widths of the alignment, coarse to fine, nm. The first pass runs through all of
    /// them (capture range); later passes use the last.
    public var sigmasNm: [Double] = [16, 8]
    /// z kernel widths (3D data), coarse to fine, nm; z bins are half of each.
    public var zSigmasNm: [Double] = [50, 25]
    /// Whether the first pass runs through all the kernel widths (to capture a start that may be tens
    /// of nm off); without it every pass uses the last (a start already within about a nanometre).
    public var captureFirstPass = true
    /// The capture pass (the first, at every kernel width) aligns every k-th point of a segment of more
    /// than k times this many (k at most 4): it only brings the shift within reach of the next passes.
    public var captureSample = 150
    /// Side of the x-y cells of the z reference, nm.
    public var zCellNm: Double = 30
    /// A segment's Newton iteration in a pass stops after a step shorter than this times the kernel
    /// width (`KernelSums.converged`): at 1/10 of 8 nm the next pass starts from the curve anyway, and
    /// the drift's RMSE was the same to 0.01 nm as at 1/20 with 12 sweeps of 15 (docs/algorithm.md).
    public var newtonStopFraction = 0.1
    /// Passes stop when no fine segment moves by more than this, nm.
    public var convergenceNm: Double = 0.2
    public var maxPasses: Int = 6
    /// Smoothing of the correction spline through the short segments: chosen from the data each
    /// pass by default (see `RefinementSmoothing`).
    public var smoothing: RefinementSmoothing = .automatic
    /// Reference margin around the field, nm (room for drift).
    public var marginNm: Double = 1000

    public init() {}

    /// Reference bin size at kernel width sigma: sigma itself (a Gaussian sampled at its own width
    /// aliases by exp(-2 pi^2), about 3e-9).
    func binNm(sigma: Double) -> Double { sigma }
}
