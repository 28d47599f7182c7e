import DriftCore
import DriftIO
import Foundation

/// `--fiducials auto`: the drift from fiducial beads, where they are present.
///
/// 1. Counts of the localisations with the correlation drift removed, in 200 nm cells, summed over
///    ranks; candidates where a cell's 3 x 3 neighbourhood holds at least one localisation per four
///    frames of the acquisition (`FiducialCandidates`).
/// 2. Each candidate's centre: the mean of its nearest localisation per frame within 300 nm.
/// 3. Its track: its nearest localisation per frame within 100 nm (`FiducialObservations`). A bead is
///    seen in at least a quarter of the frames (and used only where it is seen), with at most 1.5
///    localisations within 100 nm per frame seen and an RMS spread of at most 30 nm; others
///    (structure, a bead that bleaches or blinks off within the first quarter) are not used. Its
///    deviation in each frame is its raw position minus its mean corrected position.
/// 4. Beads that move on their own are left out: each bead's RMS deviation from the per-frame median
///    of the beads (from the correlation drift when fewer than 3 beads), twice; a bead more than 3 x
///    the median RMS (and 1 nm) away is dropped (`FiducialTrack.kept`).
/// 5. Per frame, the beads' deviations averaged with weights 1 / RMS^2; its uncertainty is
///    1 / sqrt(sum of weights).
/// 6. All frames' averages on every rank, a smoothing spline through them weighted by the weights
///    (beyond 4000 frames seen, through weighted means of runs of frames, at most 4000), its
///    smoothing chosen by the unbiased risk estimate with those weights as inverse variances (the
///    beads' noise is measured, so a drift that changes from frame to frame above it is kept; the
///    ranks score the candidates together).
///    The frames seen, and gaps of up to 25 frames between them, take the spline; all others keep
///    the correlation drift.
///
/// Every rank uses only the frames of its own segments; the per-bead sums are fixed point
/// (`FixedPoint`), so the result is the same, bit for bit, at any number of ranks.
struct FiducialDrift {
    let communicator: Communicator
    /// Gaps without beads of at most this many frames are bridged by the spline.
    static let bridgeFrames = 25
    static let centreRadiusNm = 300.0
    static let trackRadiusNm = 100.0
    static let maxSpreadNm = 30.0
    /// The most knots of the fiducial spline (more frames are averaged in runs).
    static let maxKnots = 4000

    struct Outcome {
        /// Candidates found, beads used and their RMS deviation from the consensus (nm).
        var found = 0
        var used = 0
        var rmsNm: [Double] = []
        /// The smoothing of the fiducial spline (dimensionless, `SmoothingSpline`).
        var smoothing = 0.0
        /// Every frame of the acquisition (from `firstFrame`): whether the fiducials give its drift,
        /// that drift (nm, the correlation drift's convention), its uncertainty (nm; NaN where no
        /// bead was seen).
        var firstFrame = 0
        var covered: [Bool] = []
        var drift: [SIMD3<Double>] = []
        var sigmaNm: [Double] = []

        var coveredFrames: Int { covered.filter { $0 }.count }

        /// Whether the fiducials give the drift of frame `f`.
        func covers(_ f: Int) -> Bool {
            let k = f - firstFrame
            return k >= 0 && k < covered.count && covered[k]
        }

        /// The drift at `frames`: the fiducials' where they cover, else `fallback`'s.
        func drift(at frames: [Int], fallback: ([Int]) -> [SIMD3<Double>]) -> [SIMD3<Double>] {
            let other = fallback(frames)
            return frames.enumerated().map { i, f in covers(f) ? drift[f - firstFrame] : other[i] }
        }

        /// The beads' uncertainty at frame `f`, nm (NaN where none was seen).
        func sigma(_ f: Int) -> Double {
            let k = f - firstFrame
            return k >= 0 && k < sigmaNm.count ? sigmaNm[k] : .nan
        }

        /// 1 where the fiducials give the drift of frame `f`, 0 where the correlation does.
        func source(_ f: Int) -> UInt8 { covers(f) ? 1 : 0 }
    }

    /// `locs`: this rank's localisations in frame order (field coordinates, nm), of which `rows` are
    /// its segments' (frames `ownFrames`, nil when it owns none); `driftAt`: the correlation drift.
    /// Collective.
    /// With `regions` (field coordinates), the beads are tracked in those circles (their radii for
    /// the centre and the track) instead of being looked for.
    func run(locs: Localisations, rows: Range<Int>, ownFrames: ClosedRange<Int>?, firstFrame: Int, lastFrame: Int,
             field: SIMD2<Double>, threeD: Bool, regions: FiducialRegions? = nil, driftAt: ([Int]) -> [SIMD3<Double>]) -> Outcome {
        let comm = communicator
        let frameCount = lastFrame - firstFrame + 1
        var out = Outcome()
        out.firstFrame = firstFrame
        // This rank's rows in its own frames, and the correlation drift there, evaluated once.
        let own = locs.rows(rows, inFrames: ownFrames)
        let frames = ownFrames.map { Array($0) } ?? []
        let base = ownFrames?.lowerBound ?? 0
        let correlation = driftAt(frames)
        let ownDrift: ([Int]) -> [SIMD3<Double>] = { $0.map { correlation[$0 - base] } }

        // 1. Candidates: the regions given, or those found.
        let initial = regions.map { r in r.centres.map { SIMD3($0.x, $0.y, 0) } }
            ?? candidates(locs: locs, own: own, frameCount: frameCount, field: field, driftAt: ownDrift)
        let centreRadii = regions?.radii ?? initial.map { _ in Self.centreRadiusNm }
        let trackRadii = regions?.radii ?? initial.map { _ in Self.trackRadiusNm }
        out.found = initial.count
        var covered = [Bool](repeating: false, count: frameCount)
        out.covered = covered
        guard !initial.isEmpty else { return out }

        // 2. Centres: the mean of each candidate's nearest localisation per frame (fixed point).
        let near = FiducialObservations(locs: locs, rows: own, drift: ownDrift, centres: initial, radiiNm: centreRadii)
        var sums = [Int64](repeating: 0, count: 4 * initial.count)
        for b in initial.indices {
            for c in near.corrected[b] {
                sums[4 * b] += FixedPoint.fixed(c.x); sums[4 * b + 1] += FixedPoint.fixed(c.y); sums[4 * b + 2] += FixedPoint.fixed(c.z)
            }
            sums[4 * b + 3] = Int64(near.frames[b].count)
        }
        comm.allreduceSum(&sums)
        let centres = initial.indices.map { b -> SIMD3<Double> in
            let n = Double(max(sums[4 * b + 3], 1))
            return SIMD3(FixedPoint.value(sums[4 * b]), FixedPoint.value(sums[4 * b + 1]), FixedPoint.value(sums[4 * b + 2])) / n
        }

        // 3. Tracks, and which candidates are beads.
        let obs = FiducialObservations(locs: locs, rows: own, drift: ownDrift, centres: centres, radiiNm: trackRadii)
        let n = centres.count
        var stats = [Int64](repeating: 0, count: 6 * n)
        for b in 0..<n {
            stats[6 * b] = Int64(obs.frames[b].count)
            stats[6 * b + 1] = Int64(obs.within[b])
            for c in obs.corrected[b] {
                let e = c - centres[b]
                stats[6 * b + 2] += FixedPoint.fixed(e.x * e.x + e.y * e.y)
                stats[6 * b + 3] += FixedPoint.fixed(e.x); stats[6 * b + 4] += FixedPoint.fixed(e.y); stats[6 * b + 5] += FixedPoint.fixed(e.z)
            }
        }
        comm.allreduceSum(&stats)
        let bead = (0..<n).map { b -> Bool in
            let seen = Double(stats[6 * b])
            guard seen >= Double(frameCount) / 4 else { return false }
            let spread = (FixedPoint.value(stats[6 * b + 2]) / seen).squareRoot()
            return Double(stats[6 * b + 1]) <= 1.5 * seen && spread <= Self.maxSpreadNm
        }
        // Each bead's mean corrected position: its deviation is its raw position minus that.
        let sits = (0..<n).map { b -> SIMD3<Double> in
            let seen = Double(max(stats[6 * b], 1))
            return centres[b] + SIMD3(FixedPoint.value(stats[6 * b + 3]), FixedPoint.value(stats[6 * b + 4]), FixedPoint.value(stats[6 * b + 5])) / seen
        }
        guard bead.contains(true) else { return out }

        // Per own frame: each bead's deviation (nil where not seen); beads numbered 0 ..< m here.
        let ids = (0..<n).filter { bead[$0] }
        let m = ids.count
        var deviation = [[SIMD3<Double>?]](repeating: [SIMD3<Double>?](repeating: nil, count: m), count: frames.count)
        for (j, b) in ids.enumerated() {
            for (k, f) in obs.frames[b].enumerated() { deviation[f - base][j] = obs.raw[b][k] - sits[b] }
        }

        // 4. Beads that disagree with the others, twice.
        var keep = [Bool](repeating: true, count: m)
        var rms = [Double?](repeating: nil, count: m)
        for _ in 0..<2 {
            let many = keep.filter { $0 }.count >= 3
            var sq = [Int64](repeating: 0, count: 2 * m)
            for k in frames.indices {
                let present = (0..<m).filter { keep[$0] && deviation[k][$0] != nil }
                let consensus: SIMD3<Double>
                guard !present.isEmpty else { continue }
                if many && present.count >= 3 {
                    consensus = SIMD3(FiducialTrack.median(present.map { deviation[k][$0]!.x }),
                                      FiducialTrack.median(present.map { deviation[k][$0]!.y }),
                                      FiducialTrack.median(present.map { deviation[k][$0]!.z }))
                } else {
                    consensus = correlation[k]
                }
                for j in present {
                    var e = deviation[k][j]! - consensus
                    if !threeD { e.z = 0 }
                    sq[2 * j] += FixedPoint.fixed((e * e).sum())
                    sq[2 * j + 1] += 1
                }
            }
            comm.allreduceSum(&sq)
            rms = (0..<m).map { j in keep[j] && sq[2 * j + 1] > 0 ? (FixedPoint.value(sq[2 * j]) / Double(sq[2 * j + 1])).squareRoot() : nil }
            let kept = FiducialTrack.kept(rms: rms)
            keep = (0..<m).map { keep[$0] && kept[$0] }
        }
        let used = (0..<m).filter { keep[$0] && rms[$0] != nil }
        guard !used.isEmpty else { return out }
        out.used = used.count
        out.rmsNm = used.map { rms[$0]! }

        // 5. Per own frame: the weighted mean of the beads seen, and its weight.
        var local: [Double] = []
        local.reserveCapacity(4 * frames.count)
        for k in frames.indices {
            var sum = SIMD3<Double>.zero, weight = 0.0
            for j in used {
                guard let d = deviation[k][j] else { continue }
                let w = 1 / max(rms[j]! * rms[j]!, 0.01)
                sum += w * d
                weight += w
            }
            let mean = weight > 0 ? sum / weight : .zero
            local += [mean.x, mean.y, threeD ? mean.z : 0, weight]
        }
        deviation = []

        // 6. Every frame on every rank (ranks own consecutive frames in rank order), smoothed.
        let all = comm.allgatherv(local)
        precondition(all.count == 4 * frameCount, "the ranks' own frames cover the acquisition")
        let seen = (0..<frameCount).map { all[4 * $0 + 3] > 0 }
        covered = FiducialTrack.covered(seen: seen, bridge: Self.bridgeFrames)
        // The knots: the frames seen, or with more than `maxKnots` of them, the weighted means of runs
        // of `step` frames (weights summed), so that the cross-validation stays cheap on long runs.
        let seenFrames = (0..<frameCount).filter { seen[$0] }
        let step = max(1, (seenFrames.count + Self.maxKnots - 1) / Self.maxKnots)
        var knots: [Double] = [], values: [[Double]] = [[], [], []], weights: [Double] = []
        var k = 0
        while k < seenFrames.count {
            let run = seenFrames[k..<min(k + step, seenFrames.count)]
            let w = run.reduce(0.0) { $0 + all[4 * $1 + 3] }
            knots.append(run.reduce(0.0) { $0 + all[4 * $1 + 3] * Double($1) } / w)
            for a in 0..<3 { values[a].append(run.reduce(0.0) { $0 + all[4 * $1 + 3] * all[4 * $1 + a] } / w) }
            weights.append(w)
            k += step
        }
        let share = WorkShare(rank: comm.rank, processes: comm.size, gather: { comm.allgatherv($0) })
        let choice = SmoothingSelection.choose(knots: knots, values: threeD ? values : Array(values[0..<2]),
                                               weights: weights, knownNoise: true, share: share)
        out.smoothing = choice.smoothing
        let splines = values.map { SmoothingSpline(knots: knots, values: $0, weights: weights, smoothing: choice.smoothing) }
        out.drift = (0..<frameCount).map { k in
            covered[k] ? SIMD3(splines[0](Double(k)), splines[1](Double(k)), threeD ? splines[2](Double(k)) : 0) : .zero
        }
        out.sigmaNm = (0..<frameCount).map { seen[$0] ? 1 / all[4 * $0 + 3].squareRoot() : .nan }
        out.covered = covered
        return out
    }
    /// Step 1: the candidates in the counts of this rank's rows `own` with the drift removed, summed
    /// over ranks (nm, field coordinates). Collective.
    func candidates(locs: Localisations, own: Range<Int>, frameCount: Int, field: SIMD2<Double>,
                    driftAt: ([Int]) -> [SIMD3<Double>]) -> [SIMD3<Double>] {
        let comm = communicator
        let cell = FiducialCandidates.cellNm, margin = 1000.0
        let width = Int(((field.x + 2 * margin) / cell).rounded(.up)), height = Int(((field.y + 2 * margin) / cell).rounded(.up))
        var counts = [Int32](repeating: 0, count: width * height)
        if !own.isEmpty {
            let f0 = Int(locs.frame[own.lowerBound])
            let d = driftAt(Array(f0...Int(locs.frame[own.upperBound - 1])))
            for i in own {
                let c = d[Int(locs.frame[i]) - f0]
                let fx = ((Double(locs.x[i]) - c.x + margin) / cell).rounded(.down)
                let fy = ((Double(locs.y[i]) - c.y + margin) / cell).rounded(.down)
                // Bounds in Double first: a coordinate far outside (or not finite) is no bead.
                guard fx >= 0 && fx < Double(width) && fy >= 0 && fy < Double(height) else { continue }
                counts[Int(fy) * width + Int(fx)] += 1
            }
        }
        comm.allreduceSum(&counts)
        return FiducialCandidates.find(counts: counts, width: width, height: height, minimum: max(3, (frameCount + 3) / 4))
            .map { SIMD3($0.x - margin, $0.y - margin, 0) }
    }
}

extension FiducialDrift.Outcome {
    /// `fiducials` (`auto` or the regions' file), `fiducials_found`, `fiducials_used`, `fiducial_frames` (frames whose
    /// drift the beads give), `fiducial_rms_nm` (each bead's RMS deviation from the others,
    /// comma-separated), `fiducial_smoothing`.
    func attributes(mode: FiducialMode) -> [(String, AttributeValue)] {
        [("fiducials", .string(mode.text)),
         ("fiducials_found", .int(Int64(found))),
         ("fiducials_used", .int(Int64(used))),
         ("fiducial_frames", .int(Int64(coveredFrames))),
         ("fiducial_rms_nm", .string(rmsNm.map { String(format: "%.2f", $0) }.joined(separator: ","))),
         ("fiducial_smoothing", .double(smoothing))]
    }

    /// One line for the progress: what was found and where it was used.
    func describe(frames: Int) -> String {
        guard used > 0 else {
            return "fiducials: none found (\(found) candidate\(found == 1 ? "" : "s") rejected); the drift is the correlation's in every frame"
        }
        let rms = rmsNm.map { String(format: "%.1f", $0) }.joined(separator: ", ")
        return "fiducials: \(used) of \(found) candidates used (RMS deviation \(rms) nm); they give the drift in \(coveredFrames) of \(frames) frames, the correlation in the rest"
    }
}
