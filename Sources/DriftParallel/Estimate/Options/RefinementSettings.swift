import DriftCore
import DriftIO

/// The refinement pass after the coarse drift (`--no-refine`, `--refine-locs`, `--refine-sigma-nm`;
/// the engine itself is `Refinement`, with `RefinementOptions`).
public struct RefinementSettings: Equatable, Sendable {
    /// Refine the coarse drift at finer time and space resolution.
    public var enabled = true
    /// Localisations per short segment (at least; sets its time resolution).
    public var localisations: Int = 150
    /// Width of the final alignment kernel, nm (about the localisation precision); the first pass
    /// uses twice this.
    public var sigmaNm: Double = 8
    /// Smoothing of the correction spline through the short segments: chosen from the data by
    /// generalised cross-validation, or a fixed dimensionless value (`--refine-smoothing`).
    public var smoothing: RefinementSmoothing = .automatic

    public init() {}

    /// The engine's options: kernels of 2 sigma then sigma, and the correction spline's smoothing.
    public func engineOptions() -> RefinementOptions {
        var r = RefinementOptions()
        r.minLocalisations = localisations
        r.sigmasNm = [2 * sigmaNm, sigmaNm]
        r.smoothing = smoothing
        return r
    }

    public func validate() throws {
        if case .fixed(let v) = smoothing, !(v >= 0 && v.isFinite) { throw OptionError("--refine-smoothing must be auto or a number >= 0") }
        guard localisations >= 10 else { throw OptionError("--refine-locs must be at least 10") }
        guard sigmaNm >= 2, sigmaNm <= 200 else { throw OptionError("--refine-sigma-nm must be between 2 and 200") }
    }

    /// `refine`, and with it `refine_min_localisations`, `refine_min_frames`, `refine_sigmas_nm`,
    /// `refine_convergence_nm`, `refine_smoothing` (`auto` or the value given).
    public func attributes() -> [(String, AttributeValue)] {
        guard enabled else { return [("refine", .int(0))] }
        let r = engineOptions()
        return [("refine", .int(1)),
                ("refine_min_localisations", .int(Int64(r.minLocalisations))),
                ("refine_min_frames", .int(Int64(r.minFrames))),
                ("refine_sigmas_nm", .string(r.sigmasNm.map { String($0) }.joined(separator: ","))),
                ("refine_convergence_nm", .double(r.convergenceNm)),
                ("refine_smoothing", .string(smoothing.description))]
    }
}
