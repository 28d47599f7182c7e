import Foundation

/// Fiducial beads for simulation: bright emitters at fixed positions that drift with the sample and
/// are localised in (nearly) every frame.
public struct FiducialBeads: Sendable {
    /// True positions, nm (z 0 in 2D).
    public var positions: [SIMD3<Double>]
    /// Mean photon count of each bead.
    public var photons: [Double]
    /// Fraction of frames in which each bead is missing.
    public var missing: [Double]

    /// `count` beads spread uniformly over the field, at least 10 % of the field (and 1.5 um) away
    /// from its edges; brightness uniform in `p.fiducialPhotons`, missing fraction uniform in 2/3 to
    /// 4/3 of `p.fiducialMissingFraction`. Draws 3 to 4 numbers per bead from `rng`.
    public static func make(_ p: SimulationParameters, rng: inout RandomSource) -> FiducialBeads {
        let fieldW = Double(p.width) * p.pixelSizeNm, fieldH = Double(p.height) * p.pixelSizeNm
        let mx = max(1500, 0.1 * fieldW), my = max(1500, 0.1 * fieldH)
        var out = FiducialBeads(positions: [], photons: [], missing: [])
        for _ in 0..<p.fiducials {
            let x = rng.uniform(min(mx, fieldW / 2), max(fieldW / 2, fieldW - mx))
            let y = rng.uniform(min(my, fieldH / 2), max(fieldH / 2, fieldH - my))
            let z = p.threeD ? rng.uniform(-300, 300) : 0
            out.positions.append(SIMD3(x, y, z))
            out.photons.append(rng.uniform(p.fiducialPhotons.lowerBound, p.fiducialPhotons.upperBound))
            out.missing.append(p.fiducialMissingFraction * rng.uniform(2.0 / 3, 4.0 / 3))
        }
        return out
    }
}
