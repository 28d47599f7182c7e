import DriftCore
import DriftIO
import Foundation

/// What an estimate produced, as rank 0 reports it.
public struct EstimateSummary: Sendable {
    public var segments: Int
    public var pairs: Int
    public var usedPairs: Int
    public var rows: Int
    public var dims: Int
    public var timings: [(name: String, seconds: Double)]
    /// RMSE against the truth per axis, nm, when a truth file was given.
    public var rmse: SIMD3<Double>?
    /// Largest absolute segment drift per axis, nm.
    public var driftRange: SIMD3<Double>
    /// RMS residual of the used pairs, nm.
    public var rmsResidualNm: Double
    /// Frame ranges of segments too sparse to correlate.
    public var sparseSegments: [ClosedRange<Int>]
    /// Share of the forward transforms, correlations and peak fits spent inside FFTW (all ranks).
    public var fftwShare: Double
    /// Largest peak resident memory of any rank, MiB.
    public var peakMemoryMiB: Double
    /// Each rank's pairs, bytes sent, CPU time and peak memory (before the result is written).
    public var ranks: [RankUsage]
    /// Unit of the drift figures: `nm`, or `px` for image stacks (with their voxel size, when known).
    public var unit: String = "nm"
    public var voxelSizeNm: SIMD3<Double>? = nil
}

/// Drift from a Picasso localisation file on every process of a communicator:
///
/// 1. the frames are cut into segments (by frames, with an optional step, or by localisation count)
///    and each rank owns a contiguous range of them;
/// 2. each rank reads the rows of its own segments, plus those of the partner segments its pairs
///    need (hyperslab reads, row ranges found by binary search on the frame column);
/// 3. renders and transforms those segments (2D or 3D), and correlates each owned segment with its
///    partners (RCC, DCC) or with the sum of all others (MCC), fitting each peak;
/// 4. rank 0 gathers the pair shifts (in (i, j) order), solves the least-squares system robustly and
///    broadcasts the segment drifts;
/// 5. the drift is refined with short segments aligned to a fine reference (`Refinement`);
/// 6. every rank interpolates the drift at its own frames and all write one result file together.
///
/// Every step depends only on the data, never on the rank count, so the result is the same at any
/// number of ranks.
public struct EstimatePipeline {
    public private(set) var options: EstimateOptions
    public let communicator: Communicator

    /// The phases timed, in order.
    public static let phaseNames = ["read", "render", "fft", "correlate", "exchange", "peaks", "solve", "refine", "write"]

    public init(options: EstimateOptions, communicator: Communicator) {
        self.options = options
        self.communicator = communicator
    }

    /// Writes the result file with every rank's part, the attributes and the phase timings so far
    /// (maximum over ranks; a fixed list of phases, so every rank makes the same reductions).
    func writeResult(_ part: DriftResultPart, attributes: [(String, AttributeValue)], timer: inout PhaseTimer,
                     progress: Progress) throws {
        let comm = communicator, o = options
        var all = attributes
        for name in Self.phaseNames where name != "write" {
            all.append(("timing_\(name)_s", .double(comm.allreduce(timer.seconds(name), .max))))
        }
        try timer.measure("write") {
            try CollectiveOutput(communicator: comm, path: o.output).write { tmp in
                try DriftResultWriter.write(part, attributes: all, to: tmp, access: .parallel(communicator: comm.handle))
            }
        }
        progress.say("wrote \(o.output)")
    }

    /// Share of the correlation phases (forward transforms, correlations, peak fits) spent inside FFTW, all ranks.
    func fftwShare(_ timer: PhaseTimer) -> Double {
        let comm = communicator
        let fftwSum = comm.allreduce(timer.seconds("fftw"), .sum)
        let correlationSum = comm.allreduce(timer.seconds("fft") + timer.seconds("correlate") + timer.seconds("peaks"), .sum)
        return correlationSum > 0 ? fftwSum / correlationSum : 0
    }

    public mutating func run() throws -> EstimateSummary {
        let comm = communicator
        var o = options
        let progress = Progress(communicator: comm, quiet: o.quiet, json: o.logJSON)
        var timer = PhaseTimer()

        // Checks every rank can make alone, so they agree without talking.
        try comm.collectively { try validate() }
        if ImageStacks.isImageStack(o.input) {
            guard o.writeCorrected == nil else {
                throw CollectiveFailure(message: "\(o.input): --write-corrected is for localisations; correct an image stack with 'driftmpi apply'", rank: 0)
            }
            // Pixels stand in for nm: every time point counts, shifts and residuals are in pixels.
            options.minSegmentLocalisations = 1
            options.maxDriftNm = o.maxDriftPx / Double(min(o.image.binX, o.image.binY))
            options.maxResidualNm = o.maxResidualPx
            options.continuousPeak = true
            return try runImages()
        }

        // Open and look at the input together (parallel HDF5).
        progress.say("reading \(o.input)")
        let file = try comm.collectively {
            try LocalisationTables.open(o.input, options: o.table, access: .parallel(communicator: comm.handle))
        }
        let threeD = (o.dims ?? (file.hasZ ? 3 : 2)) == 3
        if threeD && !file.hasZ {
            throw CollectiveFailure(message: "\(o.input): --dims 3 needs a 'z' column, and 'locs' has none", rank: 0)
        }
        // Each rank reads an equal block of the frame column and all agree whether it is in order
        // (FrameOrder.swift); the sorted block counts the rows of each segment.
        let column = try timer.measure("read") { try readFrameColumn(file) }
        if !column.inOrder {
            progress.say("\(o.input): the localisations are not in frame order; each rank reads a block of rows and they exchange them by frame")
        }
        let frameBlock = column.sortedFrames
        // The frames and the field: as the file records them, else from the localisations.
        let geometry = try timer.measure("read") { try inputGeometry(file: file, frameBlock: frameBlock) }
        let fieldW = geometry.field.x, fieldH = geometry.field.y
        if o.autoBin {
            // Large fields get larger bins, so that transforms stay about 750 a side at most.
            o.binNm = max(o.binNm, max(fieldW, fieldH) / EstimateOptions.autoBinSide)
            options.binNm = o.binNm
        }
        try checkSizes(fieldW: fieldW, fieldH: fieldH)

        // 1. Segments, pairs and ownership.
        let segmentation = try makeSegmentation(file: file, geometry: geometry, column: column)
        let s = segmentation.count
        let schedule = PairSchedule(method: o.method, segmentation: segmentation, window: o.window)
        // Segments go to ranks in contiguous ranges balanced by their estimated cost: reading,
        // rendering and refinement scale with their localisations (counted from each rank's block
        // of the frame column), transforms and correlations with their pairs. With all pairs the
        // pairs dominate, and ranges hold equal numbers of segments.
        let allPairs = o.method == .rcc && o.window == nil
        let boundaries = segmentBoundaries(frameBlock: frameBlock, segmentation: segmentation)
        let weights = allPairs ? [Int64](repeating: 1, count: s)
            : segmentCosts(rows: (0..<s).map { boundaries[$0 + 1] - boundaries[$0] }, schedule: schedule,
                           binsPerRender: (fieldW / o.binNm) * (fieldH / o.binNm))
        let ownership = Ownership(weights: weights, processCount: comm.size)
        let owned = ownership.segments(of: comm.rank)

        // 2. Read own rows (with overlapping segments, the last one's rows beyond its core too): by
        // row range from a table in frame order, else by exchanging blocks of rows.
        let ownFrames: (Int) -> ClosedRange<Int>? = { rank in
            let segs = ownership.segments(of: rank)
            return segs.isEmpty ? nil
                : segmentation.segments[segs.lowerBound].firstFrame...segmentation.segments[segs.upperBound - 1].lastFrame
        }
        let locs: Localisations = try timer.measure("read") {
            if column.inOrder {
                return try comm.collectively {
                    guard let frames = ownFrames(comm.rank) else { return Localisations(z: threeD ? [] : nil) }
                    let first = try file.firstRow(atOrAfterFrame: frames.lowerBound)
                    let end = try file.firstRow(atOrAfterFrame: frames.upperBound + 1)
                    return geometry.shifted(try file.read(rows: first..<end, threeD: threeD))
                }
            }
            let block = try comm.collectively { try file.read(rows: column.block, threeD: threeD) }
            return geometry.shifted(exchangeByFrame(block, wanted: (0..<comm.size).map(ownFrames)))
        }
        let ownRows = owned.isEmpty ? 0..<0 : rows(of: owned, in: locs, segmentation)
        let totalRows = comm.allreduce(Int64(ownRows.count), .sum)
        let grids = try makeGrids(fieldW: fieldW, fieldH: fieldH, threeD: threeD, locs: locs, ownRows: ownRows)
        let gridText = grids.map { g in
            g.is3D ? "\(g.width)x\(g.height)x\(g.depth) bins of \(g.binNm) x \(g.binNm) x \(g.binZNm) nm (z)"
                : "\(g.width)x\(g.height) bins of \(g.binNm) nm"
        }.joined(separator: " + ")
        progress.say("\(totalRows) localisations, \(geometry.frameCount) frames, \(s) \(o.method.rawValue.uppercased()) segments, \(gridText), \(comm.size) ranks")

        // 3. Render, transform and correlate.
        try comm.collectively { try FaultInjection.check("render", rank: comm.rank) }
        let correlation = try correlate(locs: locs, segmentation: segmentation, schedule: schedule, ownership: ownership,
                                        grids: grids, timer: &timer, progress: progress)

        // 4. Gather segments and pairs; rank 0 solves; everyone gets the segment drifts.
        let segmentCounts = correlation.counts.map { Int64($0) }
        let segmentCentres = correlation.centres
        let sparse = segmentCounts.indices.filter { segmentCounts[$0] < Int64(o.minSegmentLocalisations) }
            .map { segmentation.segments[$0].firstFrame...segmentation.segments[$0].lastFrame }
        if !sparse.isEmpty {
            progress.say("\(sparse.count) segments hold fewer than \(o.minSegmentLocalisations) localisations and are not correlated: frames \(sparse.prefix(5).map { "\($0.lowerBound)-\($0.upperBound)" }.joined(separator: ", "))\(sparse.count > 5 ? ", ..." : "")")
        }
        let active = segmentCounts.map { $0 >= Int64(o.minSegmentLocalisations) }
        guard active.filter({ $0 }).count >= 2 else {
            throw CollectiveFailure(message: "\(o.input): fewer than 2 segments hold \(o.minSegmentLocalisations) localisations or more; use longer segments (or a smaller --min-segment-locs)", rank: 0)
        }
        try comm.collectively { try FaultInjection.check("correlate", rank: comm.rank) }
        let solved = try timer.measure("solve") { try solveOnRoot(pairs: correlation.pairs, schedule: schedule, active: active, sparse: sparse) }
        let segmentDrift = solved.drift, segmentSigma = solved.sigma
        // The result lists the pairs in (i, j) order, each rank writing an equal share.
        let pairTotal = solved.pairs.count
        let pairOffset = comm.rank * pairTotal / comm.size
        let finalPairs = Array(solved.pairs[pairOffset..<((comm.rank + 1) * pairTotal / comm.size)])
        let usedPairs = solved.pairs.filter(\.used).count
        progress.say(String(format: "solved for %d segment drifts from %d of %d pairs (RMS residual %.2f nm)",
                            s, usedPairs, pairTotal, solved.rmsResidualNm))

        // 5. Refinement: short segments aligned to a fine reference of all corrected localisations.
        // Spline weights 1 / sigma^2; segment 0 is the reference (sigma 0), so it takes its neighbour's.
        // The spline runs through the segments that were solved; with smoothing they are weighted by
        // their used pairs' total weight.
        let knots = (0..<s).filter { active[$0] }
        let knotCentres = knots.map { segmentCentres[$0] }, knotDrift = knots.map { segmentDrift[$0] }
        let knotWeights = knots.map { max(solved.weight[$0], 1e-12) }
        let coarseDrift: ([Int]) -> [SIMD3<Double>] = {
            DriftInterpolation.drift(at: $0, centres: knotCentres, drift: knotDrift, smoothing: o.smoothing,
                                     weights: o.smoothing > 0 ? knotWeights : nil)
        }
        var refinement: RefinementResult?
        var fineRange = 0..<0
        if o.refine {
            try comm.collectively { try FaultInjection.check("refine", rank: comm.rank) }
            let own = locs.rows(ownRows)
            var fine: [FineSegment] = []
            for seg in owned {
                let core = segmentation.core(seg)
                let lo = lowerBound(own.frame, core.lowerBound), hi = lowerBound(own.frame, core.upperBound + 1)
                fine += Refinement.fineSegments(frames: own.frame, rows: lo..<hi, firstFrame: core.lowerBound,
                                                lastFrame: core.upperBound, options: o.refinement)
            }
            let fineCounts = comm.allgather(Int64(fine.count))
            let fineOffset = Int(fineCounts[..<comm.rank].reduce(0, +))
            fineRange = fineOffset..<(fineOffset + fine.count)
            // The reference is shared as every localisation's bin when they are fewer than its bins
            // (less to move than summing the counts), else by summing the counts.
            let referenceBins = (fieldW + 2 * o.refinement.marginNm) * (fieldH + 2 * o.refinement.marginNm)
                / (o.refinement.sigmasNm.last! * o.refinement.sigmasNm.last!)
            let gatherBins = comm.size > 1 && Double(totalRows) < referenceBins
            refinement = timer.measure("refine") {
                Refinement.run(locs: own, segments: fine, fieldWidthNm: fieldW, fieldHeightNm: fieldH,
                               zRange: grids.count > 1 ? zRange(of: own) ?? 0...0 : nil, baseDrift: coarseDrift,
                               options: o.refinement, sumCounts: { comm.allreduceSum(&$0) }, gather: { comm.allgatherv($0) },
                               gatherBins: gatherBins ? { comm.allgatherv($0) } : nil,
                               onPass: { pass, update in
                                   progress.say(String(format: "refinement pass %d of at most %d: largest update %.3f nm (stops below %.1f)",
                                                       pass, o.refinement.maxPasses, update, o.refinement.convergenceNm))
                               })
            }
            if let r = refinement {
                progress.say(String(format: "refined with %d segments in %d passes (last update %.3f nm)", r.centres.count, r.passes, r.lastUpdateNm))
            }
        }
        let fineDrift = refinement?.spline(smoothing: o.refinement.smoothing)
        let driftAt: ([Int]) -> [SIMD3<Double>] = { frames in
            let c = coarseDrift(frames)
            guard let f = fineDrift?(frames) else { return c }
            return zip(c, f).map { $0 + $1 }
        }
        // Drift is relative to the first frame.
        let anchor = driftAt([segmentation.firstFrame])[0]
        let finalDrift: ([Int]) -> [SIMD3<Double>] = { driftAt($0).map { $0 - anchor } }

        // 6. Accuracy against a known drift (simulations), then one result file written by all ranks.
        var rmse: SIMD3<Double>?
        if let truthPath = o.truth {
            let found: [Double] = try comm.collectively {
                guard comm.isRoot else { return [] }
                let truth = try TruthCSV.read(path: truthPath)
                let r = DriftAccuracy.rmse(estimated: finalDrift(truth.frames), truth: truth.drift)
                return [r.x, r.y, r.z]
            }
            let r = comm.broadcast(found)
            rmse = SIMD3(r[0], r[1], r[2])
        }
        var part = DriftResultPart(totalFrames: geometry.frameCount, totalSegments: s, totalPairs: pairTotal)
        if !owned.isEmpty {
            let firstFrame = segmentation.core(owned.lowerBound).lowerBound
            let lastFrame = segmentation.core(owned.upperBound - 1).upperBound
            let frames = Array(firstFrame...lastFrame)
            part.frameOffset = firstFrame - segmentation.firstFrame
            part.frames = frames.map { Int64($0) }
            part.drift = finalDrift(frames)
            part.segmentOffset = owned.lowerBound
            for seg in owned {
                part.segmentFirstFrame.append(Int64(segmentation.segments[seg].firstFrame))
                part.segmentLastFrame.append(Int64(segmentation.segments[seg].lastFrame))
                part.segmentCentreFrame.append(segmentCentres[seg])
                part.segmentCount.append(segmentCounts[seg])
                part.segmentDrift.append(segmentDrift[seg])
                part.segmentSigma.append(segmentSigma[seg])
            }
        }
        part.pairOffset = pairOffset
        part.pairI = finalPairs.map { Int64($0.i) }
        part.pairJ = finalPairs.map { Int64($0.j == schedule.referenceNode && o.method == .mcc ? -1 : $0.j) }
        part.pairShift = finalPairs.map(\.shift)
        part.pairWeight = finalPairs.map(\.weight)
        part.pairUsed = finalPairs.map { $0.used ? 1 : 0 }
        if let r = refinement {
            part.totalFine = r.centres.count
            part.fineOffset = fineRange.lowerBound
            part.fineFirstFrame = r.firstFrames[fineRange].map { Int64($0) }
            part.fineLastFrame = r.lastFrames[fineRange].map { Int64($0) }
            part.fineCentreFrame = Array(r.centres[fineRange])
            part.fineCount = r.counts[fineRange].map { Int64($0) }
            part.fineCorrection = Array(r.correction[fineRange])
        }

        var attributes = parameterAttributes(rows: Int(totalRows), file: file, geometry: geometry, segmentation: segmentation,
                                             pairs: pairTotal, threeD: threeD)
        attributes.append(("pairs_used", .int(Int64(usedPairs))))
        attributes.append(("rms_residual_nm", .double(solved.rmsResidualNm)))
        attributes.append(("sparse_segments", .int(Int64(sparse.count))))
        if let r = refinement {
            attributes += [("refine_segments", .int(Int64(r.centres.count))), ("refine_passes", .int(Int64(r.passes))),
                           ("refine_last_update_nm", .double(r.lastUpdateNm))]
        }
        if let r = rmse, let t = o.truth {
            attributes += [("truth", .string(URL(fileURLWithPath: t).standardizedFileURL.path)),
                           ("rmse_vs_truth_x_nm", .double(r.x)), ("rmse_vs_truth_y_nm", .double(r.y)),
                           ("rmse_vs_truth_z_nm", .double(r.z))]
        }
        attributes.append(("peak_resident_mib_max", .double(comm.allreduce(Double(PeakMemory.residentMiB()), .max))))
        // Per rank, comma-separated in rank order.
        let usage = RankUsage.gather(pairs: correlation.pairs.count, communicator: comm)
        attributes += [("rank_pairs", .string(usage.map { String($0.pairs) }.joined(separator: ","))),
                       ("rank_bytes_sent", .string(usage.map { String($0.bytesSent) }.joined(separator: ","))),
                       ("rank_cpu_s", .string(usage.map { String(format: "%.3f", $0.cpuSeconds) }.joined(separator: ","))),
                       ("rank_peak_resident_mib", .string(usage.map { String(format: "%.0f", $0.peakMiB) }.joined(separator: ",")))]
        try writeResult(part, attributes: attributes, timer: &timer, progress: progress)

        // 7. The localisations with the drift removed, every rank writing its own rows.
        if let corrected = o.writeCorrected {
            try timer.measure("write") {
                // Rows before the first core go with the first rank's, rows after the last with the last's.
                let n = Int64(file.rowCount)
                let lo = owned.isEmpty ? 0 : (owned.lowerBound == 0 ? 0 : boundaries[owned.lowerBound])
                let hi = owned.isEmpty ? 0 : (owned.upperBound == s ? n : boundaries[owned.upperBound])
                let provenance: [(String, String)] = [
                    ("Drift method", o.method.rawValue), ("Drift dims", threeD ? "3" : "2"),
                    ("Drift segment frames", String(o.segmentFrames)), ("Drift refined", o.refine ? "yes" : "no"),
                ]
                try CorrectedOutput(communicator: comm).write(file, rows: Int(lo)..<Int(hi), correctZ: threeD, drift: finalDrift,
                                                              to: corrected, command: "estimate --write-corrected",
                                                              driftFile: o.output, provenance: provenance)
            }
            progress.say("wrote \(corrected)")
        }

        let phases = Self.phaseNames.map { ($0, comm.allreduce(timer.seconds($0), .max)) }
        let range = knotDrift.reduce(SIMD3<Double>.zero) { pointwiseMax($0, pointwiseMax($1, -$1)) }
        return EstimateSummary(segments: s, pairs: pairTotal, usedPairs: usedPairs, rows: Int(totalRows),
                               dims: threeD ? 3 : 2, timings: phases, rmse: rmse, driftRange: range,
                               rmsResidualNm: solved.rmsResidualNm, sparseSegments: sparse,
                               fftwShare: fftwShare(timer),
                               peakMemoryMiB: comm.allreduce(Double(PeakMemory.residentMiB()), .max), ranks: usage)
    }
}
