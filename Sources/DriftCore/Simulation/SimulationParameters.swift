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
    /// Fraction of the sample's localisations (fiducials not counted) that are unstructured,
    /// single-frame background, 0 ..< 1.
    public var backgroundFraction: Double = 0.05
    /// When set, the fraction (0 < f < 1) of binding sites still active at the last frame: each site
    /// gets a bleaching frame drawn from an exponential, replacing the per-event bleaching. nil: off.
    public var bleachToFraction: Double? = nil
    /// Amplitude of a fast sinusoidal vibration added to the x and y drift, nm (0: none).
    public var vibrationNm: Double = 0
    /// Period of that vibration, frames.
    public var vibrationPeriodFrames: Double = 400
    /// Number of fiducial beads: bright emitters at fixed positions, on in (nearly) every frame.
    public var fiducials: Int = 0
    /// Photon count range of a fiducial bead (each bead's mean brightness is uniform in it).
    public var fiducialPhotons: ClosedRange<Double> = 20_000...50_000
    /// Mean fraction of frames in which a bead is missing (not localised), 0 ..< 1; each bead's own
    /// fraction is uniform in 2/3 to 4/3 of it (0.015: 1 to 2 % of frames).
    public var fiducialMissingFraction: Double = 0.015

    public init() {}
}
