import DriftCore
import DriftIO

/// The refinement pass after the coarse drift (`--no-refine`, `--refine-locs`, `--refine-sigma-nm`;
/// the engine itself is `Refinement`, with `RefinementOptions`).
public struct RefinementSettings: Equatable, Sendable {
    /// Refine the coarse drift at finer time and space resolution.
    public var enabled = true
    /// Localisations per short segment (at least; sets its time resolution).
    public var localisations: Int = 1000
    /// Width of the final alignment kernel, nm (about the localisation precision); the first pass
    /// uses twice this.
    public var sigmaNm: Double = 8

    public init() {}

    /// The engine's options: kernels of 2 sigma then sigma, and the spline smoothing of the coarse drift.
    public func engineOptions(smoothing: Double) -> RefinementOptions {
        var r = RefinementOptions()
        r.minLocalisations = localisations
        r.sigmasNm = [2 * sigmaNm, sigmaNm]
        r.smoothing = smoothing
        return r
    }

    public func validate() throws {
        guard localisations >= 10 else { throw OptionError("--refine-locs must be at least 10") }
        guard sigmaNm >= 2, sigmaNm <= 200 else { throw OptionError("--refine-sigma-nm must be between 2 and 200") }
    }

    /// `refine`, and with it `refine_min_localisations`, `refine_min_frames`, `refine_sigmas_nm`, `refine_convergence_nm`.
    public func attributes(smoothing: Double) -> [(String, AttributeValue)] {
        guard enabled else { return [("refine", .int(0))] }
        let r = engineOptions(smoothing: smoothing)
        return [("refine", .int(1)),
                ("refine_min_localisations", .int(Int64(r.minLocalisations))),
                ("refine_min_frames", .int(Int64(r.minFrames))),
                ("refine_sigmas_nm", .string(r.sigmasNm.map { String($0) }.joined(separator: ","))),
                ("refine_convergence_nm", .double(r.convergenceNm))]
    }
}
