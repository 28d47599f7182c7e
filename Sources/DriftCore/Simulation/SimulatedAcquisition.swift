import Foundation

/// A simulated acquisition: localisations with their known drift.
public struct SimulatedAcquisition: Sendable {
    public var parameters: SimulationParameters
    /// Frame of each localisation, 0 ..< frames, sorted (as simulated).
    public var frame: [UInt32] = []
    /// Observed positions (true position + drift + localisation error), nm.
    public var x: [Float] = []
    public var y: [Float] = []
    public var z: [Float] = []
    /// Detected photons.
    public var photons: [Float] = []
    /// Background photons per pixel.
    public var background: [Float] = []
    /// Localisation precision (Mortensen), nm.
    public var precision: [Float] = []
    /// Fitted PSF width, nm.
    public var psfSigma: [Float] = []
    /// True drift at every frame, nm (zero at frame 0), vibration included.
    public var drift: [SIMD3<Double>] = []
    /// True positions of the fiducial beads, nm (empty without fiducials).
    public var fiducials: [SIMD3<Double>] = []
    /// Frame at which each binding site bleaches (it emits only in earlier frames), with
    /// `bleachToFraction` set; empty otherwise.
    public var bleachFrames: [Double] = []

    public var count: Int { frame.count }

    /// The localisations at `indices`, in that order (the drift stays whole).
    public func rows(_ indices: [Int]) -> SimulatedAcquisition {
        var out = self
        out.frame = indices.map { frame[$0] }
        out.x = indices.map { x[$0] }
        out.y = indices.map { y[$0] }
        out.z = indices.map { z[$0] }
        out.photons = indices.map { photons[$0] }
        out.background = indices.map { background[$0] }
        out.precision = indices.map { precision[$0] }
        out.psfSigma = indices.map { psfSigma[$0] }
        return out
    }
}
