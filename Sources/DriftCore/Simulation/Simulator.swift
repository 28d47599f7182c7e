import Foundation

/// Simulates DNA-PAINT-like data: origami grids (3 x 4 sites, 20 nm apart) and worm-like filaments,
/// emitters that bind and unbind (exponential on and off times) and bleach, photon counts from a
/// log-normal distribution, Mortensen localisation precision (about 5 to 15 nm), a share of
/// unstructured background localisations, and a smooth drift (see `DriftTrajectory`). Optionally a
/// fast vibration on the drift (`Vibration`), bleaching to a given surviving fraction by the last
/// frame, and fiducial beads (`FiducialBeads`). An option that is off draws no random numbers, so
/// the data without it are the same bit for bit.
public enum Simulator {
    public static func run(_ p: SimulationParameters) -> SimulatedAcquisition {
        var rng = RandomSource(seed: p.seed)
        var drift = DriftTrajectory.make(frames: p.frames, magnitudeNm: p.driftNm, threeD: p.threeD, rng: &rng)
        let sites = makeSites(p, rng: &rng)
        // The options draw after the sites, so that `simulate stack` keeps the same drift and sites.
        if p.vibrationNm > 0 {
            Vibration.add(to: &drift, amplitudeNm: p.vibrationNm, periodFrames: p.vibrationPeriodFrames, rng: &rng)
        }
        let beads = p.fiducials > 0 ? FiducialBeads.make(p, rng: &rng) : FiducialBeads(positions: [], photons: [], missing: [])
        // Mean lifetime (frames) that leaves `bleachToFraction` of the sites active at the last frame.
        let lifetime = p.bleachToFraction.map { Double(max(p.frames - 1, 1)) / -log($0) }

        var out = SimulatedAcquisition(parameters: p)
        out.drift = drift
        out.fiducials = beads.positions
        var raw: [(frame: UInt32, bead: Int32, pos: SIMD3<Double>)] = []
        raw.reserveCapacity(Int(Double(p.sites) * Double(p.frames) * p.meanOnFrames / p.meanOffFrames * 1.2)
                            + p.fiducials * p.frames)
        for site in sites {
            // A site emits in frame f only if f < its bleaching frame; `end` is the first frame it does not.
            var end = p.frames
            if let lifetime {
                let death = rng.exponential(mean: lifetime)
                out.bleachFrames.append(death)
                if death < Double(p.frames) { end = Int(death.rounded(.up)) }
            }
            var t = rng.exponential(mean: p.meanOffFrames)
            while t < Double(end) {
                let on = max(1, Int(rng.exponential(mean: p.meanOnFrames).rounded(.up)))
                let start = Int(t)
                for f in start..<min(start + on, end) { raw.append((UInt32(f), -1, site)) }
                if lifetime == nil && rng.uniform() < p.bleachPerEvent { break }
                t += Double(on) + rng.exponential(mean: p.meanOffFrames)
            }
        }
        // Unstructured background: single-frame localisations anywhere in the field.
        let fieldW = Double(p.width) * p.pixelSizeNm, fieldH = Double(p.height) * p.pixelSizeNm
        let backgroundCount = Int(Double(raw.count) * p.backgroundFraction / (1 - p.backgroundFraction))
        for _ in 0..<backgroundCount {
            let pos = SIMD3(rng.uniform(0, fieldW), rng.uniform(0, fieldH), p.threeD ? rng.uniform(-400, 400) : 0)
            raw.append((UInt32(rng.uniform(0, Double(p.frames))), -1, pos))
        }
        // Fiducial beads: one localisation per bead and frame, but for the frames it misses.
        if !beads.positions.isEmpty {
            for f in 0..<p.frames {
                for (b, pos) in beads.positions.enumerated() {
                    if beads.missing[b] > 0 && rng.uniform() < beads.missing[b] { continue }
                    raw.append((UInt32(f), Int32(b), pos))
                }
            }
        }
        // Stable counting sort by frame, as localisation software writes them.
        var perFrame = [Int](repeating: 0, count: p.frames + 1)
        for r in raw { perFrame[Int(r.frame) + 1] += 1 }
        for f in 0..<p.frames { perFrame[f + 1] += perFrame[f] }
        var order = [Int](repeating: 0, count: raw.count)
        for (k, r) in raw.enumerated() {
            order[perFrame[Int(r.frame)]] = k
            perFrame[Int(r.frame)] += 1
        }

        let n = raw.count
        out.frame.reserveCapacity(n); out.x.reserveCapacity(n); out.y.reserveCapacity(n)
        let a = p.pixelSizeNm, s = p.psfSigmaNm
        let sa2 = s * s + a * a / 12
        for k in order {
            let r = raw[k]
            let photons = r.bead >= 0 ? max(1000, beads.photons[Int(r.bead)] * (1 + 0.05 * rng.normal()))
                : max(150, exp(log(700) + 0.6 * rng.normal()))
            let bg = max(1, 20 + 5 * rng.normal())
            // Mortensen et al. (2010), EMCCD-free form.
            let lp = (sa2 / photons * (16.0 / 9 + 8 * Double.pi * sa2 * bg / (photons * a * a))).squareRoot()
            let d = drift[Int(r.frame)]
            out.frame.append(r.frame)
            out.x.append(Float(r.pos.x + d.x + lp * rng.normal()))
            out.y.append(Float(r.pos.y + d.y + lp * rng.normal()))
            out.z.append(p.threeD ? Float(r.pos.z + d.z + 2.5 * lp * rng.normal()) : 0)
            out.photons.append(Float(photons))
            out.background.append(Float(bg))
            out.precision.append(Float(lp))
            out.psfSigma.append(Float(s * (1 + 0.05 * rng.normal())))
        }
        return out
    }

    /// Binding-site positions, nm: half on origami grids, half along worm-like filaments.
    static func makeSites(_ p: SimulationParameters, rng: inout RandomSource) -> [SIMD3<Double>] {
        let margin = 1500.0
        let fieldW = Double(p.width) * p.pixelSizeNm, fieldH = Double(p.height) * p.pixelSizeNm
        func randomPoint() -> SIMD2<Double> {
            SIMD2(rng.uniform(margin, max(margin + 1, fieldW - margin)), rng.uniform(margin, max(margin + 1, fieldH - margin)))
        }
        var sites: [SIMD3<Double>] = []
        sites.reserveCapacity(p.sites)
        let origamiSites = p.sites / 2
        while sites.count < origamiSites {
            let c = randomPoint()
            let angle = rng.uniform(0, 2 * Double.pi)
            let z = p.threeD ? rng.uniform(-300, 300) : 0
            let (ca, sa) = (cos(angle), sin(angle))
            for gy in 0..<3 {
                for gx in 0..<4 where sites.count < origamiSites {
                    let u = (Double(gx) - 1.5) * 20, v = (Double(gy) - 1) * 20
                    sites.append(SIMD3(c.x + ca * u - sa * v, c.y + sa * u + ca * v, z))
                }
            }
        }
        // Filaments: worm-like chains, persistence length about 2 um, sites every ~10 nm on average.
        while sites.count < p.sites {
            var pos = randomPoint()
            var heading = rng.uniform(0, 2 * Double.pi)
            var z = p.threeD ? rng.uniform(-300, 300) : 0
            let length = rng.uniform(2000, 6000)
            var travelled = 0.0
            let step = 10.0
            while travelled < length && sites.count < p.sites {
                heading += rng.normal() * (step / 2000).squareRoot()
                pos += SIMD2(cos(heading), sin(heading)) * step
                if p.threeD { z = max(-400, min(400, z + rng.normal() * 3)) }
                if pos.x < margin || pos.y < margin || pos.x > fieldW - margin || pos.y > fieldH - margin { break }
                if rng.uniform() < 0.5 { sites.append(SIMD3(pos.x, pos.y, z)) }
                travelled += step
            }
        }
        return sites
    }
}
