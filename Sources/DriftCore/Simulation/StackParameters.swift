import Foundation

/// Parameters of a simulated widefield-like image stack with a known drift.
///
/// The structures (sites) and the drift are exactly those `Simulator.run` gives for
/// `StackSimulator.locsParameters(p)`, so `driftmpi simulate stack` and `driftmpi simulate locs`
/// with the same seed and geometry describe the same acquisition.
public struct StackParameters: Sendable {
    /// Number of time points (camera frames; one volume each in 3D).
    public var frames: Int = 200
    /// Image size, pixels.
    public var width: Int = 256
    public var height: Int = 256
    /// Pixel size in the sample, nm.
    public var pixelSizeNm: Double = 100
    /// Lateral PSF standard deviation, pixels.
    public var psfSigmaPx: Double = 1.3
    /// Expected photons of one emitter in one frame (in the slice at its focus in 3D).
    public var photonsPerEmitter: Double = 200
    /// Expected background photons per pixel per frame.
    public var backgroundPhotons: Double = 10
    /// Number of sites (all always on).
    public var sites: Int = 3_000
    /// Largest x-y drift excursion, nm.
    public var driftNm: Double = 300
    public var seed: UInt64 = 1
    /// z slices per time point; 0 gives 2D images (and no z drift).
    public var zSlices: Int = 0
    /// Distance between z slices, nm.
    public var zStepNm: Double = 100
    /// Axial PSF standard deviation, nm: a site is seen in slice k with weight
    /// exp(-(z_site + drift_z - z_k)^2 / (2 psfSigmaZNm^2)).
    public var psfSigmaZNm: Double = 250
    /// Poisson (shot) noise; false gives the expected photon counts.
    public var noise: Bool = true

    public init() {}

    /// Whether the stack has z slices.
    public var threeD: Bool { zSlices > 0 }
}
