import DriftCore
import DriftIO
import Foundation

/// The segments' spectra correlated: this process's pair shifts, and every segment's count and centre.
struct CorrelationOutcome {
    var pairs: [PairShift]
    var counts: [Int]
    var centres: [Double]
}

/// Rank 0's solve, as every rank receives it.
struct SolveOutcome {
    var drift: [SIMD3<Double>]
    var sigma: [SIMD3<Double>]
    /// Each segment's total weight of used pairs (the information behind its drift).
    var weight: [Double]
    /// Every pair of every rank, in (i, j) order, with its used flag.
    var pairs: [PairShift]
    var rmsResidualNm: Double
}

extension EstimatePipeline {
    /// Checks of the options and paths that need no data (every rank makes them alone, but the output
    /// paths, which rank 0 checks for all: the check creates a probe file, which a thousand ranks
    /// need not do on a shared file system).
    func validate() throws {
        let o = options
        guard o.segmentFrames > 0 else { throw HDF5Error(o.input, "--segment-frames must be positive") }
        if let step = o.segmentStep, step < o.segmentFrames {
            guard step >= 1, o.method == .rcc, o.window.map({ $0 >= 2 }) ?? true else {
                throw HDF5Error(o.input, "overlapping segments need --method rcc with --window 2 or more")
            }
        }
        if let step = o.segmentStep, step > o.segmentFrames { throw HDF5Error(o.input, "--segment-step must not exceed --segment-frames") }
        guard o.binNm > 0, o.binNm.isFinite, o.binZNm > 0, o.binZNm.isFinite else {
            throw HDF5Error(o.input, "--bin-nm and --bin-z-nm must be positive")
        }
        if let w = o.window, w < 1 { throw HDF5Error(o.input, "--window must be at least 1 (or 'all')") }
        guard o.maxDriftNm > 0, o.maxDriftNm.isFinite else { throw HDF5Error(o.input, "--max-drift-nm must be positive") }
        guard FileManager.default.fileExists(atPath: o.input) else { throw HDF5Error(o.input, "no such file") }
        var outputs = [o.output]
        if let c = o.writeCorrected {
            guard URL(fileURLWithPath: c).standardizedFileURL != URL(fileURLWithPath: o.output).standardizedFileURL else {
                throw HDF5Error(c, "--write-corrected names the result file")
            }
            outputs += OutputPaths.correctedFiles(c, input: o.input)
        }
        guard communicator.isRoot else { return }
        try OutputPaths.check(outputs + o.laterOutputs, inputs: OutputPaths.inputFiles(o.input) + (o.truth.map { [$0] } ?? []),
                              replacing: o.replaceOutputs)
    }

    /// The field must make a grid of sensible size at the chosen bins.
    func checkSizes(fieldW: Double, fieldH: Double) throws {
        let o = options
        let bins = (fieldW / o.binNm) * (fieldH / o.binNm)
        guard bins <= Double(1 << 28), min(fieldW, fieldH) / o.binNm >= 8 else {
            throw CollectiveFailure(message: "\(o.input): a field of \(Int(fieldW)) x \(Int(fieldH)) nm in \(o.binNm) nm bins makes \(bins < 64 ? "too few" : "too many") bins; choose another --bin-nm", rank: 0)
        }
        if o.refine {
            let side = o.refinement.sigmasNm.last!
            let refBins = (fieldW + 2 * o.refinement.marginNm) / side * (fieldH + 2 * o.refinement.marginNm) / side
            guard refBins <= Double(1 << 30) else {
                throw CollectiveFailure(message: "\(o.input): the refinement reference of this field at \(side) nm would hold \(Int(refBins)) bins; use a larger --refine-sigma-nm or --no-refine", rank: 0)
            }
        }
    }

    /// Segments by frames (with an optional step) or by localisation count. For counts, the ranks
    /// find the frame of every N-th localisation in frame order together.
    func makeSegmentation(file: LocalisationTable, geometry: InputGeometry, column: FrameColumn) throws -> Segmentation {
        let o = options
        let frameCount = geometry.frameCount
        let segmentation: Segmentation
        if let n = o.segmentLocalisations {
            // A segment starts at every n-th localisation in frame order; a last part under half a
            // segment joins the one before.
            let positions = Array(stride(from: n, to: max(n, file.rowCount - n / 2), by: n))
            let starts = [Int64(geometry.firstFrame)] + frames(atSortedPositions: positions, column: column)
            segmentation = Segmentation.byStarts(starts.map { Int($0) }, lastFrame: geometry.lastFrame)
        } else {
            segmentation = Segmentation.byFrames(firstFrame: geometry.firstFrame, frameCount: frameCount, segmentFrames: o.segmentFrames, step: o.segmentStep)
        }
        guard segmentation.count >= 2 else {
            let what = o.segmentLocalisations.map { "\(file.rowCount) localisations make fewer than 2 segments of \($0)" }
                ?? "\(frameCount) frames make fewer than 2 segments of \(o.segmentFrames) frames"
            let fix = o.segmentLocalisations == nil ? "--segment-frames" : "--segment-locs"
            throw CollectiveFailure(message: "\(o.input): \(what); use a smaller \(fix)", rank: 0)
        }
        return segmentation
    }

    /// The render grids: the camera field in x and y at `binNm`; in 3D also a 3D grid for the z
    /// drift, over the z range of all localisations (agreed with exact min/max reductions) plus the
    /// largest drift searched, in `binZNm` bins, with x and y bins coarse enough for at most 256 a side
    /// (x and y come from the 2D grid; refinement then sharpens all three).
    func makeGrids(fieldW: Double, fieldH: Double, threeD: Bool, locs: Localisations, ownRows: Range<Int>) throws -> [RenderGrid] {
        let o = options
        let xy = RenderGrid(widthNm: fieldW, heightNm: fieldH, binNm: o.binNm)
        guard threeD else { return [xy] }
        guard let range = zRange(of: locs, rows: ownRows) else {
            throw CollectiveFailure(message: "\(o.input): no finite z values", rank: 0)
        }
        let lo = range.lowerBound, hi = range.upperBound
        let margin = min(o.maxDriftNm, 500) + 2 * o.binZNm
        let depth = hi - lo + 2 * margin
        guard depth / o.binZNm <= 512 else {
            throw CollectiveFailure(message: "\(o.input): z spans \(Int(lo)) to \(Int(hi)) nm, over 512 bins of \(o.binZNm) nm; use a larger --bin-z-nm or --dims 2", rank: 0)
        }
        let coarse = max(o.binNm, max(fieldW, fieldH) / 256)
        return [xy, RenderGrid(widthNm: fieldW, heightNm: fieldH, binNm: coarse, originZ: lo - margin, depthNm: depth, binZNm: o.binZNm)]
    }

    /// The z range of every rank's localisations `rows` (exact min/max reductions), nil when none is finite.
    func zRange(of locs: Localisations, rows: Range<Int>? = nil) -> ClosedRange<Double>? {
        var lo = Double.infinity, hi = -Double.infinity
        if let z = locs.z {
            for k in rows ?? z.indices where z[k].isFinite {
                lo = min(lo, Double(z[k]))
                hi = max(hi, Double(z[k]))
            }
        }
        lo = communicator.allreduce(lo, .min)
        hi = communicator.allreduce(hi, .max)
        return lo <= hi ? lo...hi : nil
    }

    /// A pair's weight in the solve: the localisation counts' harmonic combination (the variance of a
    /// correlation shift falls with both) times the correlation coefficient at the peak.
    func pairWeight(_ ni: Double, _ nj: Double, quality: Double) -> Double {
        ni * nj / (ni + nj) * min(1, max(0, quality))
    }

    /// Renders and transforms this process's own segments and correlates them with their partners: for
    /// windowed RCC and DCC the partners' spectra come from the following processes (`HaloPlan`), sent
    /// as soon as they are made and received while the own pairs are correlated; for all pairs they go
    /// round a ring (`RingPlan`); MCC needs only the sum over all processes. x and y come from the
    /// first grid, z from the second (3D); the peak quality and so the weight from the first.
    func correlate(locs: Localisations, segmentation: Segmentation, schedule: PairSchedule, ownership: Ownership,
                   grids: [RenderGrid], timer: inout PhaseTimer, progress: Progress) throws -> CorrelationOutcome {
        let o = options
        if let limit = o.maxRenderMB, Double(grids[0].binCount) * 4 / 1_048_576 > limit {
            guard grids.count == 1, o.method != .mcc else {
                throw CollectiveFailure(message: "\(o.input): a \(grids[0].width) x \(grids[0].height) render exceeds --max-render-mb \(limit); ranks transform such renders together only for 2D RCC or DCC (use --dims 2, or a larger --bin-nm or --max-render-mb)", rank: 0)
            }
            progress.say("renders of \(grids[0].width) x \(grids[0].height) exceed --max-render-mb \(limit): all ranks transform each segment together")
            return distributedCorrelate(locs: locs, segmentation: segmentation, schedule: schedule, ownership: ownership,
                                        grid: grids[0], timer: &timer)
        }
        let renderers = grids.map { Renderer(grid: $0, tukeyAlpha: options.tukeyAlpha) }
        return try correlate(segmentation: segmentation, schedule: schedule, ownership: ownership, grids: grids,
                             timer: &timer, progress: progress) { seg in
            let r = rows(of: seg..<(seg + 1), in: locs, segmentation)
            let images = zip(renderers, grids).map { renderer, grid in
                renderer.render(x: locs.x[r], y: locs.y[r], z: grid.is3D ? locs.z![r] : nil)
            }
            return (Double(r.count), centre(of: seg, rows: r, locs: locs, segmentation), images)
        }
    }

    /// Correlation of segments whose images `source` makes (one per grid, each the grid's full
    /// array), for localisations or image stacks: each rank transforms its own segments' images and
    /// correlates its pairs (see `correlate(locs:...)`). `source` gives an owned segment's count
    /// (localisations or frames), centre (frame) and images; it must not fail (read the data before).
    func correlate(segmentation: Segmentation, schedule: PairSchedule, ownership: Ownership, grids: [RenderGrid],
                   timer: inout PhaseTimer, progress: Progress,
                   source: (Int) -> (count: Double, centre: Double, images: [[Float]])) throws -> CorrelationOutcome {
        let o = options, comm = communicator
        let owned = ownership.segments(of: comm.rank)
        let s = segmentation.count
        var channels = grids.map { grid in
            let correlator = CrossCorrelator(grid: grid, maxShiftNm: o.maxDriftNm, smoothingBins: o.correlationSmoothingBins)
            correlator.continuousPeak = o.continuousPeak
            return Channel(grid: grid, correlator: correlator)
        }
        let nc = channels.count
        // Receives first, so that spectra can arrive while this process makes its own.
        var messages: [PendingMessage] = []
        let halo = o.method == .mcc || schedule.window == nil ? nil
            : HaloPlan(ownership: ownership, rank: comm.rank, lastPartner: schedule.lastPartner)
        for (j, from) in halo?.receive ?? [] {
            for c in 0..<nc {
                let g = channels[c].grid
                let spectrum = Spectrum.zeros(width: g.width, height: g.height, depth: g.depth)
                channels[c].spectra[j] = spectrum
                messages.append(comm.irecv(spectrum.floats, count: spectrum.floatCount, from: from,
                                           tag: HaloPlan.tag(segment: j, channel: c, channels: nc, receiverEnd: owned.upperBound)))
            }
        }
        // Own segments: rows, count, centre, spectra and energies; spectra go on as soon as made.
        var local: [Double] = []
        let transforms = progress.phase("render and transform", total: owned.count)
        for seg in owned {
            defer { transforms.advance() }
            let made = timer.measure("render") { source(seg) }
            local += [made.count, made.centre]
            for c in 0..<nc {
                let image = made.images[c]
                let spectrum = timer.measure("fft") { channels[c].correlator.spectrum(of: image) }
                channels[c].spectra[seg] = spectrum
                local.append(o.method == .mcc ? 0 : channels[c].correlator.energy(spectrum))
                for q in halo?.send[seg] ?? [] {
                    messages.append(comm.isend(spectrum.floats, count: spectrum.floatCount, to: q,
                                               tag: HaloPlan.tag(segment: seg, channel: c, channels: nc,
                                                                 receiverEnd: ownership.segments(of: q).upperBound)))
                }
            }
        }
        // Every segment's count, centre and energies, on every process (in segment order: ranks own
        // contiguous ranges in rank order).
        let stride = 2 + nc
        let info = comm.allgatherv(local)
        let counts = (0..<s).map { Int(info[stride * $0]) }
        let centres = (0..<s).map { info[stride * $0 + 1] }
        let energy = (0..<nc).map { c in (0..<s).map { info[stride * $0 + 2 + c] } }
        transforms.finish()
        progress.say("rendered and transformed \(s) segments (\(owned.count) on rank \(comm.rank))")
        // Peak fits are timed apart from the correlations; the time inside FFTW is kept too.
        defer {
            let peaks = channels.reduce(0.0) { $0 + $1.correlator.peakSeconds }
            timer.add("correlate", -peaks)
            timer.add("peaks", peaks)
            timer.add("fftw", channels.reduce(0.0) { $0 + $1.correlator.fft.executeSeconds })
        }
        var outcome = CorrelationOutcome(pairs: [], counts: counts, centres: centres)

        if o.method == .mcc {
            try timer.measure("correlate") {
                outcome.pairs = try meanCorrelation(channels: channels.map { ($0.grid, $0.correlator, $0.spectra) },
                                                    owned: owned, counts: counts, schedule: schedule, progress: progress)
            }
            return outcome
        }

        // The shift of segment j relative to segment i (i < j), from their spectra on every channel.
        // Rank 0's own pairs stand for everyone's (ring steps share them out about equally).
        let correlations = progress.phase("correlate pairs", total: owned.reduce(0) { $0 + schedule.partners(of: $1).count })
        defer { correlations.finish() }
        func measure(_ i: Int, _ j: Int, _ si: [Spectrum], _ sj: [Spectrum]) -> PairShift {
            correlations.advance()
            guard min(counts[i], counts[j]) >= o.minSegmentLocalisations else { return PairShift(i: i, j: j, shift: .zero, weight: 0, used: false) }
            let peaks = (0..<nc).map { channels[$0].correlator.shift(from: si[$0], to: sj[$0]) }
            return pairShift(i, j, counts: counts, peaks: peaks, energies: (energy[0][i], energy[0][j]), grids: grids)
        }
        func spectra(_ k: Int) -> [Spectrum] { channels.map { $0.spectra[k]! } }

        // Time spent waiting for spectra, counted apart from the correlations.
        var exchange = 0.0
        defer { timer.add("correlate", -exchange); timer.add("exchange", exchange) }
        if halo != nil {
            timer.measure("correlate") {
                // Own pairs while the partners' spectra travel, then the pairs that need them.
                for i in owned { for j in schedule.partners(of: i) where owned.contains(j) { outcome.pairs.append(measure(i, j, spectra(i), spectra(j))) } }
                exchange += PhaseTimer.seconds { comm.waitAll(messages) }
                for i in owned { for j in schedule.partners(of: i) where !owned.contains(j) { outcome.pairs.append(measure(i, j, spectra(i), spectra(j))) } }
            }
            return outcome
        }

        // All pairs: the ring.
        let ring = RingPlan(processCount: comm.size, rank: comm.rank)
        timer.measure("correlate") {
            var held: [Int: [Spectrum]] = [:]
            for k in owned { held[k] = spectra(k) }
            func pairs(with block: Range<Int>, step: Int) {
                for i in owned {
                    for j in block where step == 0 ? i < j : ring.correlates(i, j, step: step) {
                        let (a, b) = i < j ? (i, j) : (j, i)
                        guard schedule.isPair(a, b) else { continue }
                        outcome.pairs.append(measure(a, b, held[a] ?? spectra(a), held[b] ?? spectra(b)))
                    }
                }
            }
            guard ring.steps > 0 else { pairs(with: owned, step: 0); return }
            for t in 1...ring.steps {
                let heldRange = ownership.segments(of: ring.block(at: t - 1))
                let incomingRange = ownership.segments(of: ring.block(at: t))
                var incoming: [Int: [Spectrum]] = [:]
                var step: [PendingMessage] = []
                for k in incomingRange {
                    incoming[k] = channels.map { Spectrum.zeros(width: $0.grid.width, height: $0.grid.height, depth: $0.grid.depth) }
                    for c in 0..<nc {
                        let sp = incoming[k]![c]
                        step.append(comm.irecv(sp.floats, count: sp.floatCount, from: ring.right, tag: (k - incomingRange.lowerBound) * nc + c))
                    }
                }
                for k in heldRange {
                    for c in 0..<nc {
                        let sp = held[k]![c]
                        step.append(comm.isend(sp.floats, count: sp.floatCount, to: ring.left, tag: (k - heldRange.lowerBound) * nc + c))
                    }
                }
                // Correlate what is held while the next block travels.
                if t == 1 { pairs(with: owned, step: 0) } else { pairs(with: heldRange, step: t - 1) }
                exchange += PhaseTimer.seconds { comm.waitAll(step) }
                // Keep the own spectra; drop the block passed on.
                for k in heldRange where !owned.contains(k) { held[k] = nil }
                for (k, v) in incoming { held[k] = v }
            }
            pairs(with: ownership.segments(of: ring.block(at: ring.steps)), step: ring.steps)
        }
        return outcome
    }

    /// The pair (i, j) from its correlation peaks (one per grid: x and y from the first, z from the
    /// second), weighted by the counts and the peak quality (height over the geometric mean of the two
    /// energies on the first grid).
    func pairShift(_ i: Int, _ j: Int, counts: [Int], peaks: [PeakEstimate?], energies: (Double, Double),
                   grids: [RenderGrid]) -> PairShift {
        let o = options
        var pair = PairShift(i: i, j: j, shift: .zero, weight: 0, used: false)
        let ni = Double(counts[i]), nj = Double(counts[j])
        guard let p = peaks[0], peaks.allSatisfy({ $0 != nil }),
              min(ni, nj) >= Double(o.minSegmentLocalisations) else { return pair }
        let quality = p.height / max((energies.0 * energies.1).squareRoot(), .leastNormalMagnitude)
        // z from the second grid; or from the only one when it is 3D (image z-stacks).
        let dz = grids.count > 1 ? peaks[1]!.dz * grids[1].binZNm : (grids[0].is3D ? p.dz * grids[0].binZNm : 0)
        pair.shift = SIMD3(p.dx * grids[0].binNm, p.dy * grids[0].binNm, dz)
        pair.weight = pairWeight(ni, nj, quality: quality)
        pair.used = quality >= o.minPeakQuality
        return pair
    }

    /// RCC and DCC on renders over `--max-render-mb`: every segment is rendered, transformed and
    /// correlated by all ranks together (`DistributedCorrelator`), each on its slab of rows. A
    /// segment's owner broadcasts its localisations; every pair is measured by all ranks at once and
    /// kept by rank 0.
    func distributedCorrelate(locs: Localisations, segmentation: Segmentation, schedule: PairSchedule, ownership: Ownership,
                              grid: RenderGrid, timer: inout PhaseTimer) -> CorrelationOutcome {
        let o = options, comm = communicator
        let owned = ownership.segments(of: comm.rank)
        let s = segmentation.count
        let dc = DistributedCorrelator(grid: grid, maxShiftNm: o.maxDriftNm, smoothingBins: o.correlationSmoothingBins,
                                       tukeyAlpha: o.tukeyAlpha, communicator: comm)
        var local: [Double] = []
        for seg in owned {
            let r = rows(of: seg..<(seg + 1), in: locs, segmentation)
            local += [Double(r.count), centre(of: seg, rows: r, locs: locs, segmentation)]
        }
        let info = comm.allgatherv(local)
        let counts = (0..<s).map { Int(info[2 * $0]) }
        var outcome = CorrelationOutcome(pairs: [], counts: counts, centres: (0..<s).map { info[2 * $0 + 1] })
        var spectra: [[Float]] = []
        var energy = [Double](repeating: 0, count: s)
        for k in 0..<s {
            let owner = ownership.owner(of: k)
            var x: [Float] = [], y: [Float] = []
            if owner == comm.rank {
                let r = rows(of: k..<(k + 1), in: locs, segmentation)
                x = Array(locs.x[r]); y = Array(locs.y[r])
            }
            x = comm.broadcast(x, root: owner)
            y = comm.broadcast(y, root: owner)
            let spectrum = timer.measure("fft") { dc.spectrum(x: x, y: y) }
            energy[k] = dc.localEnergy(spectrum)
            spectra.append(spectrum)
        }
        comm.allreduceSum(&energy)
        timer.measure("correlate") {
            for i in 0..<s {
                for j in schedule.partners(of: i) {
                    let usable = min(counts[i], counts[j]) >= o.minSegmentLocalisations
                    let peak = usable ? dc.shift(from: spectra[i], to: spectra[j]) : nil
                    if comm.isRoot { outcome.pairs.append(pairShift(i, j, counts: counts, peaks: [peak], energies: (energy[i], energy[j]), grids: [grid])) }
                }
            }
        }
        timer.add("correlate", -dc.peakSeconds)
        timer.add("peaks", dc.peakSeconds)
        timer.add("fftw", dc.fft.executeSeconds)
        return outcome
    }

    /// MCC: each segment against the sum of all the others. The sum of a drifting acquisition is blurred
    /// by the drift itself, so the estimate is iterated: every segment's spectrum is moved back by its
    /// current drift, the sum of the moved spectra (fixed point, exact over ranks) becomes the new
    /// reference, and each segment's residual shift against it (without itself) updates its drift,
    /// until no segment moves by more than 0.05 bin (at most 8 rounds). The pairs returned hold the
    /// whole shift of the reference relative to each segment.
    func meanCorrelation(channels: [(grid: RenderGrid, correlator: CrossCorrelator, spectra: [Int: Spectrum])],
                         owned: Range<Int>, counts: [Int], schedule: PairSchedule,
                         progress: Progress) throws -> [PairShift] {
        let o = options, comm = communicator
        let totalCount = counts.reduce(0, +)
        let bits = 20
        var drift = [Int: SIMD3<Double>]()          // nm, per owned segment, relative to the reference
        for i in owned { drift[i] = .zero }
        var quality = [Int: Double](), found = [Int: Bool]()
        for round in 1...8 {
            // The moved spectra of each channel and their sum over all ranks.
            var moved: [[Int: Spectrum]] = []
            var totals: [Spectrum] = []
            for c in channels {
                var m: [Int: Spectrum] = [:]
                var sum = [Int64](repeating: 0, count: c.correlator.fft.complexCount * 2)
                for i in owned where counts[i] >= o.minSegmentLocalisations {
                    let d = drift[i]!
                    let bins = SIMD3(-d.x / c.grid.binNm, -d.y / c.grid.binNm, c.grid.is3D ? -d.z / c.grid.binZNm : 0)
                    let spectrum = round == 1 ? c.spectra[i]! : c.spectra[i]!.translated(by: bins)
                    m[i] = spectrum
                    let f = spectrum.fixedPoint(scaleBits: bits)
                    for k in sum.indices { sum[k] &+= f[k] }
                }
                comm.allreduceSum(&sum)
                moved.append(m)
                totals.append(Spectrum(width: c.grid.width, height: c.grid.height, depth: c.grid.depth, fixedPoint: sum, scaleBits: bits))
            }
            var largest = 0.0
            for i in owned where counts[i] >= o.minSegmentLocalisations {
                var residual = SIMD3<Double>.zero
                var ok = true
                for (n, c) in channels.enumerated() {
                    let a = moved[n][i]!
                    let reference = totals[n].subtracting(a)
                    guard let p = c.correlator.shift(from: a, to: reference) else { ok = false; break }
                    if n == 0 {
                        residual.x = p.dx * c.grid.binNm
                        residual.y = p.dy * c.grid.binNm
                        // One 3D grid (image z-stacks) gives z too.
                        if channels.count == 1 && c.grid.is3D { residual.z = p.dz * c.grid.binZNm }
                        quality[i] = p.height / max((c.correlator.energy(a) * c.correlator.energy(reference)).squareRoot(), .leastNormalMagnitude)
                    } else {
                        residual.z = p.dz * c.grid.binZNm
                    }
                }
                found[i] = ok
                guard ok else { continue }
                // The reference appears moved by `residual` from the moved segment: the segment lies
                // that much the other way.
                drift[i]! -= residual
                largest = max(largest, abs(residual.x) / channels[0].grid.binNm, abs(residual.y) / channels[0].grid.binNm)
                let zGrid = channels.count > 1 ? channels[1].grid : channels[0].grid
                if zGrid.is3D { largest = max(largest, abs(residual.z) / zGrid.binZNm) }
            }
            largest = comm.allreduce(largest, .max)
            progress.say(String(format: "MCC round %d: largest update %.3f bins", round, largest))
            if largest < 0.05 { break }
        }
        var pairs: [PairShift] = []
        for i in owned {
            let ni = Double(counts[i]), nj = Double(totalCount - counts[i])
            var pair = PairShift(i: i, j: schedule.referenceNode, shift: .zero, weight: 0, used: false)
            if counts[i] >= o.minSegmentLocalisations, nj >= Double(o.minSegmentLocalisations), found[i] == true {
                let q = quality[i] ?? 0
                pair.shift = -drift[i]!
                pair.weight = pairWeight(ni, nj, quality: q)
                pair.used = q >= o.minPeakQuality
            }
            pairs.append(pair)
        }
        return pairs
    }

    /// Rank 0 gathers the pairs, solves robustly over the segments with enough localisations
    /// (`active`; the others are left out of the system and get NaN), and broadcasts drifts,
    /// uncertainties, each segment's total weight of used pairs and the used flags.
    func solveOnRoot(pairs: [PairShift], schedule: PairSchedule, active: [Bool], sparse: [ClosedRange<Int>]) throws -> SolveOutcome {
        let comm = communicator, o = options
        let gathered = comm.gatherv(pairs.flatMap(\.packed))
        let s = schedule.segmentCount
        let solution: [Double] = try comm.collectively {
            try FaultInjection.check("solve", rank: comm.rank)
            guard comm.isRoot else { return [] }
            // Compact numbering of the active segments (MCC's reference node after them).
            var index = [Int](repeating: -1, count: s)
            var count = 0
            for k in 0..<s where active[k] { index[k] = count; count += 1 }
            let nodes = count + (o.method == .mcc ? 1 : 0)
            func node(_ k: Int) -> Int { k >= s ? count : index[k] }
            // In (i, j) order, whichever rank measured them, so that the solve does not depend on the rank count.
            let sorted = stride(from: 0, to: gathered.count, by: PairShift.packedCount)
                .map { PairShift(packed: gathered[$0..<($0 + PairShift.packedCount)]) }
                .sorted { ($0.i, $0.j) < ($1.i, $1.j) }
            let all = sorted.map { original -> PairShift in
                var p = original
                if node(p.i) < 0 || node(p.j) < 0 { p.used = false; p.i = 0; p.j = 0 } else { p.i = node(p.i); p.j = node(p.j) }
                return p
            }
            let solved: DriftSolution
            do {
                solved = try RobustSolver.solve(segmentCount: nodes, pairs: all, maxResidualNm: o.maxResidualNm)
            } catch let e as DriftSolverError {
                var text = "\(e)"
                if case .unconnected(let compact) = e {
                    let original = compact.compactMap { c in (0..<s).first { index[$0] == c } }
                    text = "\(DriftSolverError.unconnected(segments: original))"
                }
                if !sparse.isEmpty { text += " (\(sparse.count) segments are too sparse: try longer segments or --segment-locs)" }
                throw HDF5Error(o.input, text)
            }
            var weightSum = [Double](repeating: 0, count: nodes)
            for p in solved.pairs where p.used { weightSum[p.i] += p.weight; weightSum[p.j] += p.weight }
            var out: [Double] = []
            let nan = SIMD3<Double>(repeating: .nan)
            for k in 0..<s { let d = active[k] ? solved.drift[index[k]] : nan; out += [d.x, d.y, d.z] }
            for k in 0..<s { let d = active[k] ? solved.segmentSigma[index[k]] : nan; out += [d.x, d.y, d.z] }
            for k in 0..<s { out.append(active[k] ? weightSum[index[k]] : 0) }
            out.append(solved.rmsResidualNm)
            for (k, p) in sorted.enumerated() {
                var q = p
                q.used = solved.pairs[k].used
                out += q.packed
            }
            return out
        }
        let b = comm.broadcast(solution)
        let drift = (0..<s).map { SIMD3(b[3 * $0], b[3 * $0 + 1], b[3 * $0 + 2]) }
        let sigma = (0..<s).map { SIMD3(b[3 * (s + $0)], b[3 * (s + $0) + 1], b[3 * (s + $0) + 2]) }
        let packed = b[(7 * s + 1)...]
        let pairs = stride(from: packed.startIndex, to: packed.endIndex, by: PairShift.packedCount)
            .map { PairShift(packed: packed[$0..<($0 + PairShift.packedCount)]) }
        return SolveOutcome(drift: drift, sigma: sigma, weight: Array(b[(6 * s)..<(7 * s)]),
                            pairs: pairs, rmsResidualNm: b[7 * s])
    }

    /// The first row of each segment's core (the frames it stands for) and, last, the first row after
    /// the last core: each rank counts, in its block of the (sorted) frame column, the rows before each
    /// boundary frame, and the counts are summed over ranks.
    func segmentBoundaries(frameBlock: [Int64], segmentation: Segmentation) -> [Int64] {
        let s = segmentation.count
        let frames = (0..<s).map { segmentation.core($0).lowerBound } + [segmentation.core(s - 1).upperBound + 1]
        var before = frames.map { Int64(lowerBound(frameBlock, $0)) }
        communicator.allreduceSum(&before)
        return before
    }

    /// Estimated cost of each segment, ns, from the phase timings on the 2-core test machine
    /// (docs/benchmarks.md): about 170 ns per localisation to read and render it and 1.4 us more to
    /// refine it; about 10 ns per bin to transform its render (50 for MCC's rounds) and 5 ns per bin
    /// for each of its pairs.
    func segmentCosts(rows: [Int64], schedule: PairSchedule, binsPerRender: Double) -> [Int64] {
        let o = options
        let perLocalisation = 170.0 + (o.refine ? 1400 : 0)
        let perBin = o.method == .mcc ? 50.0 : 10.0
        return rows.indices.map { k in
            Int64(Double(rows[k]) * perLocalisation + binsPerRender * (perBin + 5 * Double(schedule.partners(of: k).count)))
        }
    }

    /// Mean frame of segment `seg`'s localisations (rows `r` of `locs`); its middle frame when empty.
    func centre(of seg: Int, rows r: Range<Int>, locs: Localisations, _ segmentation: Segmentation) -> Double {
        var sum = 0.0
        for k in r { sum += Double(locs.frame[k]) }
        return r.isEmpty ? segmentation.segments[seg].midFrame : sum / Double(r.count)
    }

    /// Row indices (into the locally read table) of the segments `segs`.
    func rows(of segs: Range<Int>, in locs: Localisations, _ segmentation: Segmentation) -> Range<Int> {
        let lo = segmentation.segments[segs.lowerBound].firstFrame
        let hi = segmentation.segments[segs.upperBound - 1].lastFrame
        return lowerBound(locs.frame, lo)..<lowerBound(locs.frame, hi + 1)
    }

    /// The first index of sorted `frames` whose frame is >= `value`.
    func lowerBound<F: BinaryInteger>(_ frames: [F], _ value: Int) -> Int {
        var lo = 0, hi = frames.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if Int(frames[mid]) < value { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }

    func parameterAttributes(rows: Int, file: LocalisationTable, geometry: InputGeometry, segmentation: Segmentation, pairs: Int,
                             threeD: Bool) -> [(String, AttributeValue)] {
        let o = options
        let created = communicator.broadcast(ISO8601DateFormatter().string(from: Date()))
        var a: [(String, AttributeValue)] = [
            ("driftmpi_version", .string(DriftmpiVersion.string)),
            ("created", .string(created)),
            ("command", .string("estimate")),
            ("input", .string(URL(fileURLWithPath: o.input).standardizedFileURL.path)),
            ("input_format", .string(file.format.rawValue)),
            ("input_rows", .int(Int64(rows))),
            ("frames", .int(Int64(geometry.frameCount))),
            ("first_frame", .int(Int64(geometry.firstFrame))),
            ("frame_base", .int(Int64(file.frameBase))),
            ("pixel_size_nm", .double(file.pixelSizeNm ?? .nan)),
            ("field_origin_nm", .string("\(geometry.origin.x),\(geometry.origin.y)")),
            ("field_size_nm", .string("\(geometry.field.x),\(geometry.field.y)")),
            ("ranks", .int(Int64(communicator.size))),
            ("method", .string(o.method.rawValue)),
            ("dims", .int(threeD ? 3 : 2)),
            ("segmentation", .string(o.segmentLocalisations == nil ? "frames" : "localisations")),
            ("segment_frames", .int(Int64(o.segmentFrames))),
            ("segment_step", .int(Int64(o.segmentStep ?? o.segmentFrames))),
            ("segment_locs", .int(Int64(o.segmentLocalisations ?? 0))),
            ("segments", .int(Int64(segmentation.count))),
            ("pairs", .int(Int64(pairs))),
            ("bin_nm", .double(o.binNm)),
            ("bin_z_nm", .double(o.binZNm)),
            ("window", .string(o.windowDescription)),
            ("tukey_alpha", .double(o.tukeyAlpha)),
            ("max_drift_nm", .double(o.maxDriftNm)),
            ("max_residual_nm", .double(o.maxResidualNm ?? .infinity)),
            ("min_segment_locs", .int(Int64(o.minSegmentLocalisations))),
            ("min_peak_quality", .double(o.minPeakQuality)),
            ("correlation_smoothing_bins", .double(o.correlationSmoothingBins)),
            ("smoothing", .double(o.smoothing)),
            ("interpolation", .string(EstimateOptions.interpolationNote)),
            ("drift_sign", .string(DriftFile.driftSign)),
            ("refine", .int(o.refine ? 1 : 0)),
        ]
        if o.refine {
            a += [("refine_min_localisations", .int(Int64(o.refinement.minLocalisations))),
                  ("refine_min_frames", .int(Int64(o.refinement.minFrames))),
                  ("refine_sigmas_nm", .string(o.refinement.sigmasNm.map { String($0) }.joined(separator: ","))),
                  ("refine_convergence_nm", .double(o.refinement.convergenceNm))]
        }
        return a
    }
}
