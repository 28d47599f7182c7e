import Foundation

/// Parameters of a simulated SMLM acquisition.
public struct SimulationParameters: Sendable {
    /// Number of camera frames.
    public var frames: Int = 20_000
    /// Number of binding sites (emitters), split between DNA-origami grids and filaments.
    public var sites: Int = 5_000
    public var seed: UInt64 = 1
    /// Largest x-y drift excursion, nm.
    public var driftNm: Double = 300
    /// Whether emitters have a z position (nm) and the drift a z component.
    public var threeD: Bool = false
    /// Camera size, pixels.
    public var width: Int = 256
    public var height: Int = 256
    /// Camera pixel size in the sample, nm.
    public var pixelSizeNm: Double = 130
    /// PSF standard deviation, nm.
    public var psfSigmaNm: Double = 130
    /// Mean on-time of a binding event, frames.
    public var meanOnFrames: Double = 2.5
    /// Mean dark time between binding events, frames.
    public var meanOffFrames: Double = 500
    /// Chance that a binding event is the site's last (bleaching or damage).
    public var bleachPerEvent: Double = 0.01
    /// Fraction of localisations that are unstructured background.
    public var backgroundFraction: Double = 0.05

    public init() {}
}
