import DriftCore
import DriftIO

/// How segments of localisations are rendered into histograms (`--dims`, `--bin-nm`, `--bin-z-nm`,
/// `--tukey`).
public struct RenderingOptions: Equatable, Sendable {
    /// 2 or 3; nil: 3 when the input has z.
    public var dims: Dimensionality?
    /// Histogram bin size in x and y, nm; nil: `defaultBinNm` (`refinedBinNm` when the refinement
    /// follows), raised for large fields (`binNm(field:refining:)`).
    public var binNm: Double?
    /// Histogram bin size in z, nm (3D).
    public var binZNm: Double = 50
    /// Tukey window parameter on the field's edges (0 = none, 1 = Hann); nil: `defaultTukeyAlpha`
    /// for localisations (`ImagePreprocessing().tukeyAlpha`, 0.25, for image stacks).
    public var tukeyAlpha: Double?

    /// The bin size when none is given and the coarse drift is the result (`--no-refine`), nm.
    public static let defaultBinNm = 60.0
    /// The bin size when none is given and the refinement follows, nm: the coarse drift then only has
    /// to come within the refinement's capture range. Measured on 5 simulated sets (dense, sparse,
    /// 250 sites, 3D, fiducials) and 2 real bead files, 120 instead of 60 nm gave the same refined
    /// RMSE to 0.02 nm and cut the transforms and correlations from 0.18 to 0.03 s on 516,611
    /// localisations (a 640 instead of a 320 bin grid).
    public static let refinedBinNm = 120.0
    /// Bins across the field's longer side beyond which the default bin size grows (the refinement,
    /// not the bin size, sets the final accuracy; coarse segments are limited by their length in
    /// time, not by 60 nm bins: see docs/benchmarks.md).
    public static let autoBinSide = 750.0
    /// The Tukey window parameter for localisations when none is given.
    public static let defaultTukeyAlpha = 0.1

    public init() {}

    /// The x-y bin size for a field of `field` nm: the one given, else 60 nm (120 nm when `refining`)
    /// or the size that makes the longer side `autoBinSide` bins, whichever is larger, nm.
    public func binNm(field: SIMD2<Double>, refining: Bool = false) -> Double {
        binNm ?? max(refining ? Self.refinedBinNm : Self.defaultBinNm, max(field.x, field.y) / Self.autoBinSide)
    }

    /// The Tukey window parameter for localisations.
    public var localisationTukeyAlpha: Double { tukeyAlpha ?? Self.defaultTukeyAlpha }

    public func validate() throws {
        guard binZNm > 0, binZNm.isFinite else { throw OptionError("--bin-z-nm must be positive") }
        if let b = binNm { guard b > 0, b.isFinite else { throw OptionError("--bin-nm must be positive") } }
        if let t = tukeyAlpha { guard t >= 0, t <= 1 else { throw OptionError("--tukey must be between 0 and 1") } }
    }

    /// `bin_nm` (as used), `bin_z_nm`, `tukey_alpha`.
    public func attributes(binNm used: Double) -> [(String, AttributeValue)] {
        [("bin_nm", .double(used)), ("bin_z_nm", .double(binZNm)), ("tukey_alpha", .double(localisationTukeyAlpha))]
    }
}
