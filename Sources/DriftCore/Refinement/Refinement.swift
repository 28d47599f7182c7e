/// Refinement of a coarse drift to about 1 nm: the localisations are corrected by the current drift,
/// all of them together form a fine reference density, and each short segment is aligned to that
/// reference without its own localisations (mean-shift, `MeanShiftAligner`), which gives its residual
/// drift at full localisation precision. Repeated until the update, or the one the next pass is
/// predicted to make, is below `convergenceNm`.
///
/// Pure: the sums and gathers across processes are the caller's closures, so DriftCore stays free of
/// MPI. `sumCounts` must replace the counts by their sum over processes; `gather` must return every
/// process's values concatenated in rank order. Each process passes only rows it owns.
public enum Refinement {
    /// Cuts frames `first ... last` (rows `rows` of frame-sorted `frames`) into nested fine segments:
    /// the range is split evenly into as many parts as `minLocalisations` and `minFrames` allow.
    public static func fineSegments(frames: [UInt32], rows: Range<Int>, firstFrame: Int, lastFrame: Int,
                                    options: RefinementOptions) -> [FineSegment] {
        let length = lastFrame - firstFrame + 1
        let parts = max(1, min(length / max(options.minFrames, 1), rows.count / max(options.minLocalisations, 1)))
        var out: [FineSegment] = []
        var row = rows.lowerBound
        for p in 0..<parts {
            let a = firstFrame + p * length / parts
            let b = firstFrame + (p + 1) * length / parts - 1
            var end = row
            while end < rows.upperBound && Int(frames[end]) <= b { end += 1 }
            out.append(FineSegment(firstFrame: a, lastFrame: b, rows: row..<end))
            row = end
        }
        return out
    }

    /// With `zRange` (nm, of all processes' z) and a z column, z is refined too, against a `ZReference`.
    /// With `exchange`, the processes share the x-y alignment by tiles of the field (`TiledAlignment`);
    /// without it, this process holds all the localisations.
    public static func run(locs: Localisations, segments: [FineSegment], fieldWidthNm: Double, fieldHeightNm: Double,
                           zRange: ClosedRange<Double>? = nil,
                           baseDrift: ([Int]) -> [SIMD3<Double>], options: RefinementOptions,
                           sumCounts: (inout [Int32]) -> Void, gather: @escaping ([Double]) -> [Double],
                           exchange: TileExchange? = nil,
                           onPass: ((_ pass: Int, _ updateNm: Double) -> Void)? = nil) -> RefinementResult {
        // Every fine segment's frame range, centre and count, on every process.
        var info: [Double] = []
        for s in segments {
            var sum = 0.0
            for r in s.rows { sum += Double(locs.frame[r]) }
            let centre = s.rows.isEmpty ? Double(s.firstFrame + s.lastFrame) / 2 : sum / Double(s.rows.count)
            info += [Double(s.firstFrame), Double(s.lastFrame), centre, Double(s.rows.count)]
        }
        let all = gather(info)
        let n = all.count / 4
        var result = RefinementResult(centres: (0..<n).map { all[4 * $0 + 2] },
                                      firstFrames: (0..<n).map { Int(all[4 * $0]) },
                                      lastFrames: (0..<n).map { Int(all[4 * $0 + 1]) },
                                      counts: (0..<n).map { Int(all[4 * $0 + 3]) },
                                      correction: [SIMD3<Double>](repeating: .zero, count: n),
                                      valid: (0..<n).map { all[4 * $0 + 3] > 0 },
                                      passes: 0, lastUpdateNm: .infinity)
        guard n > 1 else { return result }

        // Splines are evaluated once per frame, not per localisation.
        let firstFrame = Int(locs.frame.min() ?? 0), lastFrame = Int(locs.frame.max() ?? 0)
        let frameRange = locs.count > 0 ? Array(firstFrame...lastFrame) : []
        let basePerFrame = baseDrift(frameRange)
        // The finest reference's bins; it is held as its points' bins, never as the counts of the field.
        let finest = ReferenceGrid(originX: -options.marginNm, originY: -options.marginNm,
                                   widthNm: fieldWidthNm + 2 * options.marginNm, heightNm: fieldHeightNm + 2 * options.marginNm,
                                   binNm: options.binNm(sigma: options.sigmasNm.last!))
        // The levels' bins, in finest bins a side, and the fixed tiling whose bands' sums make the
        // x-y alignment (the same at any number of processes).
        let factors = options.sigmasNm.map { max(1, Int((options.binNm(sigma: $0) / finest.binNm).rounded())) }
        let tiling = BandTiling(rows: finest.height, factors: factors)
        // This process's segments among all processes' (x-y shifts are kept for all of them).
        let firstSegment = exchange.map { e in Int(gather([Double(segments.count)])[..<e.rank].reduce(0, +)) } ?? 0
        var allShifts = [SIMD2<Double>](repeating: .zero, count: n)
        var shifts = [SIMD2<Double>](repeating: .zero, count: segments.count)
        var shiftsZ = [Double](repeating: 0, count: segments.count)
        var supported = [Bool](repeating: false, count: segments.count)
        let refineZ = zRange != nil      // the same on every process, also one with no rows
        let m = options.marginNm
        let owned = segments.isEmpty ? 0..<0 : segments.first!.rows.lowerBound..<segments.last!.rows.upperBound
        let rows = segments.map(\.rows)
        // The smoothing's candidates are scored by the processes together.
        let share = exchange.map { WorkShare(rank: $0.rank, processes: $0.processes, gather: gather) } ?? .serial
        // The sweeps' ring of reference rows, made once for every level and pass.
        let ring = RowRingStorage()
        while result.passes < options.maxPasses && result.lastUpdateNm >= options.convergenceNm
                && result.predictedUpdateNm >= options.convergenceNm {
            let capture = result.passes == 0 && options.captureFirstPass
            let sigmas = capture ? options.sigmasNm : [options.sigmasNm.last!]
            result.passes += 1
            // Corrected positions under the current drift: the correction spline through the short
            // segments, smoothed as the data allow (`chooseSmoothing`, after each pass).
            let finePerFrame = result.spline()(frameRange)
            let applied = result.fittedCorrections()
            let total = zip(basePerFrame, finePerFrame).map { $0 + $1 }
            var x = locs.x.corrected(by: total, axis: 0, frames: locs.frame, firstFrame: firstFrame)
            var y = locs.y.corrected(by: total, axis: 1, frames: locs.frame, firstFrame: firstFrame)
            let z = !refineZ ? [] : locs.z.map { $0.corrected(by: total, axis: 2, frames: locs.frame, firstFrame: firstFrame) }
                ?? [Float](repeating: 0, count: locs.count)
            // The x-y alignment: against the reference of all localisations of all processes, finest
            // level first; shared by tiles of the field with `exchange`.
            let tiled = exchange.map {
                TiledAlignment(x: x, y: y, rows: owned, owned: rows, firstSegment: firstSegment,
                               totalSegments: n, grid: finest, tiling: tiling, exchange: $0)
            }
            // In 2D the tiles hold what the alignment needs (memory per process ~ its share).
            if tiled != nil && !refineZ { x = []; y = [] }
            let bins = tiled == nil ? finest.bins(x: x, y: y) : nil
            let reference = bins.map { ReferenceRows(grid: finest, bins: $0, rows: owned) }
            for (level, sigma) in sigmas.enumerated() {
                let factor = factors[level + options.sigmasNm.count - sigmas.count]
                // A capture level (all but the last) only has to bring the shift within reach of the
                // next: it stops once a step is shorter than sigma / 5.
                let tolerance = level < sigmas.count - 1 ? sigma / 5 : 0.005
                let sample = level < sigmas.count - 1 || (capture && factor == 1) ? options.captureSample : .max
                let aligned = tiled?.align(factor: factor, sigmaNm: sigma, start: allShifts, tolerance: tolerance,
                                           sampleAbove: sample, counts: result.counts,
                                           newtonFraction: options.newtonStopFraction, ringStorage: ring)
                    ?? SegmentAligner.align(x: x, y: y, bins: bins!.coarsened(by: factor), segments: rows,
                                            to: reference!.coarsened(by: factor), sigmaNm: sigma, start: allShifts,
                                            tolerance: tolerance, sampleAbove: sample, bands: nil,
                                            combine: nil, counts: nil, haloRows: tiling.haloRows(factor: factor),
                                            bandRows: tiling.bandRows(factor: factor),
                                            newtonFraction: options.newtonStopFraction, ringStorage: ring)
                for (k, a) in aligned.enumerated() where result.counts[k] > 0 {
                    if a.support > 0 { allShifts[k] = a.shift }
                    if k >= firstSegment && k < firstSegment + segments.count { supported[k - firstSegment] = a.support > 0 }
                }
            }
            for k in segments.indices { shifts[k] = allShifts[firstSegment + k] }
            if refineZ, let range = zRange {
                // z: per x-y cell histograms of the corrected z of all localisations.
                let margin = 2 * options.zSigmasNm.first!
                var occupancy = [Int32](repeating: 0, count: ZReference.cellCount(widthNm: fieldWidthNm + 2 * m,
                                                                                   heightNm: fieldHeightNm + 2 * m, cellNm: options.zCellNm))
                ZReference.addOccupancy(&occupancy, x: x[owned], y: y[owned], originX: -m, originY: -m,
                                        widthNm: fieldWidthNm + 2 * m, heightNm: fieldHeightNm + 2 * m, cellNm: options.zCellNm)
                sumCounts(&occupancy)
                let zSigmas = capture ? options.zSigmasNm : [options.zSigmasNm.last!]
                for sigma in zSigmas {
                    var reference = ZReference(originX: -m, originY: -m, widthNm: fieldWidthNm + 2 * m, heightNm: fieldHeightNm + 2 * m,
                                               cellNm: options.zCellNm, originZ: range.lowerBound - margin,
                                               depthNm: range.upperBound - range.lowerBound + 2 * margin, binZNm: sigma / 2,
                                               occupancy: occupancy)
                    // Each point's cell and count, found once for the whole and every segment.
                    let cells = reference.cellBases(x: x[owned], y: y[owned])
                    let zBins = reference.binIndices(cellBases: cells, z: z[owned])
                    reference.add(indices: zBins[...])
                    sumCounts(&reference.counts)
                    let weights = reference.kernelWeights(sigmaNm: sigma)
                    for (k, s) in segments.enumerated() where !s.rows.isEmpty {
                        let local = (s.rows.lowerBound - owned.lowerBound)..<(s.rows.upperBound - owned.lowerBound)
                        reference.add(indices: zBins[local], weight: -1)
                        let a = reference.alignZ(cellBases: cells[local], z: z[s.rows], sigmaNm: sigma, start: shiftsZ[k],
                                                 tolerance: 0.005, maxIterations: 50, weights: weights)
                        reference.add(indices: zBins[local], weight: 1)
                        if a.support > 0 { shiftsZ[k] = a.shift }
                        supported[k] = supported[k] && a.support > 0
                    }
                }
            }
            // Residual drift of each segment = minus the shift that lays it onto the reference.
            // Segments with no localisations or nothing to align to are left out of the mean and the spline.
            let residual = gather(segments.indices.flatMap { [-shifts[$0].x, -shifts[$0].y, -shiftsZ[$0], supported[$0] ? 1 : 0] })
            result.valid = (0..<n).map { residual[4 * $0 + 3] != 0 }
            let validCount = result.valid.filter { $0 }.count
            var mean = SIMD3<Double>.zero
            for k in 0..<n where result.valid[k] { mean += SIMD3(residual[4 * k], residual[4 * k + 1], residual[4 * k + 2]) }
            mean /= Double(max(validCount, 1))
            // Each segment's correction becomes where it was laid (the spline's value at its centre)
            // plus its residual: its own estimate, which the next pass's spline smooths again. (Adding
            // the residual to the previous raw correction would pile up what the smoothing leaves out.)
            for k in 0..<n where result.valid[k] {
                result.correction[k] = applied[k] + SIMD3(residual[4 * k], residual[4 * k + 1], residual[4 * k + 2]) - mean
            }
            // The update is how far the (smoothed) correction curve moved at the segments: each noisy
            // segment's own estimate may wander by its noise from pass to pass, the curve settles.
            // After the first pass the choice is looked for within a factor of 10 of the last one.
            result.chooseSmoothing(options.smoothing, near: result.passes > 1 ? result.smoothing : nil, share: share)
            let fitted = result.fittedCorrections()
            var largest = 0.0
            for k in 0..<n where result.valid[k] {
                let move = fitted[k] - applied[k]
                largest = max(largest, (move * move).sum().squareRoot())
            }
            let previous = result.lastUpdateNm
            result.lastUpdateNm = largest
            // After the capture pass the updates shrink geometrically (by 5 to 7 times a pass on dense
            // and on 10 M localisations), so from the third pass on the next one is expected to move
            // the curve by update^2 / previous update; one expected under the tolerance is left out.
            result.predictedUpdateNm = result.passes >= 3 && largest < previous ? largest * largest / previous : .infinity
            onPass?(result.passes, largest)
            // The next pass starts each segment where this one predicts it: the curve's value less its
            // own estimate (minus its residual from the curve), so that most segments need one Newton step.
            for k in 0..<n { allShifts[k] = result.valid[k] ? SIMD2(fitted[k].x - result.correction[k].x, fitted[k].y - result.correction[k].y) : .zero }
            for k in shifts.indices {
                let g = firstSegment + k
                shifts[k] = .zero; supported[k] = false
                shiftsZ[k] = refineZ && result.valid[g] ? fitted[g].z - result.correction[g].z : 0
            }
        }
        return result
    }
}

extension Array where Element == Float {
    /// These coordinates (nm, of localisations in `frames`) less axis `axis` (0, 1, 2: x, y, z) of the
    /// drift at each frame (`drift[frame - firstFrame]`, nm).
    func corrected(by drift: [SIMD3<Double>], axis: Int, frames: [UInt32], firstFrame: Int) -> [Float] {
        precondition(frames.count == count)
        let shift = drift.map { Float($0[axis]) }
        return [Float](unsafeUninitializedCapacity: count) { out, n in
            for k in 0..<count { out[k] = self[k] - shift[Int(frames[k]) - firstFrame] }
            n = count
        }
    }
}
