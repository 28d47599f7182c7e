import DriftCore
import DriftIO

/// What an estimate produced, as rank 0 reports it.
public struct EstimateSummary: Sendable {
    public var segments: Int
    public var pairs: Int
    public var usedPairs: Int
    /// Localisations, or time points of an image stack.
    public var rows: Int
    public var dims: Int
    /// Wall time of each phase, s (maximum over ranks), in `Phase` order.
    public var timings: [(phase: Phase, seconds: Double)]
    /// RMSE against the truth per axis, nm, when a truth file was given.
    public var rmse: SIMD3<Double>?
    /// Expected RMS error per axis from two independent halves (`SplitHalves`), nm; nil when not
    /// estimated (`--no-accuracy`, `--no-refine`, image stacks, too few short segments).
    public var expectedError: SIMD3<Double>?
    /// Largest absolute segment drift per axis, in `unit`.
    public var driftRange: SIMD3<Double>
    /// RMS residual of the used pairs, in `unit`.
    public var rmsResidual: Double
    /// Frame ranges of segments too sparse to correlate.
    public var sparseSegments: [ClosedRange<Int>]
    /// Share of the forward transforms, correlations and peak fits spent inside FFTW (all ranks).
    public var fftwShare: Double
    /// Largest peak resident memory of any rank, MiB.
    public var peakMemoryMiB: Double
    /// Each rank's pairs, bytes sent, CPU time and peak memory (before the result is written).
    public var ranks: [RankUsage]
    /// Unit of the drift figures: nm, or px for image stacks (with their voxel size, when known).
    public var unit: LengthUnit = .nm
    public var voxelSizeNm: SIMD3<Double>? = nil
}
