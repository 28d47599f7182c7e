import Foundation

/// A fast stage vibration for simulation: a sinusoid in x and in y of the same amplitude and period,
/// with a random phase per axis, shifted so that it is zero at frame 0 (as the drift is).
public enum Vibration {
    /// Adds the vibration to `drift` (nm per frame). `amplitudeNm` in nm, `periodFrames` in frames.
    /// Draws two uniform numbers (the phases) from `rng`.
    public static func add(to drift: inout [SIMD3<Double>], amplitudeNm: Double, periodFrames: Double,
                           rng: inout RandomSource) {
        let phaseX = rng.uniform(0, 2 * Double.pi), phaseY = rng.uniform(0, 2 * Double.pi)
        let omega = 2 * Double.pi / periodFrames
        let x0 = sin(phaseX), y0 = sin(phaseY)
        for f in drift.indices {
            let t = omega * Double(f)
            drift[f].x += amplitudeNm * (sin(t + phaseX) - x0)
            drift[f].y += amplitudeNm * (sin(t + phaseY) - y0)
        }
    }
}
