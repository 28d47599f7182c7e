import DriftCore
import DriftIO
import Foundation

/// Drift from a localisation table on every process of a communicator:
///
/// 1. each rank reads a block of the frame column (`FrameColumn`) and all measure the frames and the
///    field (`InputGeometry`); the frames are cut into segments and each rank owns a contiguous range
///    of them (`SegmentPlan`);
/// 2. each rank reads the rows of its own segments (`OwnLocalisations`);
/// 3. renders and transforms them (`LocalisationGrids`, `SpectrumCorrelation`, or
///    `DistributedCorrelation` for very large renders) and correlates its pairs (`CorrelationSchedule`);
/// 4. rank 0 solves for the segment drifts (`RootSolve`) and every rank receives them;
/// 5. the drift is refined with short segments aligned to a fine reference (`RefinementDriver`), and
///    its expected error estimated from two independent halves of the localisations (`AccuracyEstimate`);
/// 6. every rank evaluates the drift at its own frames and all write one result file together
///    (`EstimateResultBuilder`; with the RMSE against a known drift when one is given);
/// 7. when asked, the corrected localisations, each rank writing its own rows (`CorrectedOutput`).
///
/// Every step depends only on the data, never on the rank count, so the result is the same at any
/// number of ranks.
struct LocalisationEstimate {
    let options: EstimateOptions
    let communicator: Communicator

    func run(progress: Progress) throws -> EstimateSummary {
        let comm = communicator, o = options
        var timer = PhaseTimer()
        // Open and look at the input together (parallel HDF5).
        progress.say("reading \(o.input)")
        let file = try comm.collectively {
            try LocalisationTables.open(o.input, options: o.table, access: comm.fileAccess)
        }
        let threeD = (o.rendering.dims ?? (file.hasZ ? .three : .two)) == .three
        if threeD && !file.hasZ {
            throw CollectiveFailure(message: "\(o.input): --dims 3 needs a 'z' column, and 'locs' has none", rank: 0)
        }
        // Each rank reads an equal block of the frame column and all agree whether it is in order;
        // the sorted block counts the rows of each segment.
        let column = try timer.measure(.read) { try FrameColumn.read(file, communicator: comm) }
        if !column.inOrder {
            progress.say("\(o.input): the localisations are not in frame order; each rank reads a block of rows and they exchange them by frame")
        }
        // The frames and the field: as the file records them, else from the localisations.
        let geometry = try timer.measure(.read) {
            try InputGeometry.measure(file: file, frameBlock: column.sortedFrames, communicator: comm)
        }
        // Large fields get larger bins, so that transforms stay about 750 a side at most.
        let binNm = o.rendering.binNm(field: geometry.field, refining: o.refinement.enabled)
        let layout = LocalisationGrids(input: o.input, field: geometry.field, binNm: binNm, rendering: o.rendering,
                                       maxDriftNm: o.correlation.maxDriftNm)
        let refinement = o.refinement.engineOptions()
        try layout.checkSizes(refinement: o.refinement.enabled ? refinement : nil)

        // 1. Segments, pairs and ownership.
        let plan = try SegmentPlan(file: file, geometry: geometry, column: column, options: o, binNm: binNm, communicator: comm)
        let segmentation = plan.segmentation, schedule = plan.schedule
        let s = segmentation.count
        let owned = plan.ownership.segments(of: comm.rank)

        // 2. Own rows.
        let locs = try timer.measure(.read) {
            try OwnLocalisations.read(file, column: column, geometry: geometry, plan: plan, threeD: threeD, communicator: comm)
        }
        let ownRows = owned.isEmpty ? 0..<0 : SegmentRows.rows(of: owned, in: locs, segmentation)
        let totalRows = comm.allreduce(Int64(ownRows.count), .sum)
        // This rank's segments' frames (the cores: with overlapping segments, ranks' rows overlap).
        let ownFrames = owned.isEmpty ? nil
            : segmentation.core(owned.lowerBound).lowerBound...segmentation.core(owned.upperBound - 1).upperBound
        let leftOut = LeftOutRows.count(locs: locs, rows: locs.rows(ownRows, inFrames: ownFrames), frameBlock: column.sortedFrames, geometry: geometry, communicator: comm)
        if let line = leftOut.warning(input: o.input, geometry: geometry) { progress.warn(line) }
        let grids = try layout.grids(threeD: threeD, locs: locs, ownRows: ownRows, communicator: comm)
        let chosen = plan.chosenLocalisations.map { n in
            String(format: " (chosen from the data: %d localisations each, %.0f frames on average)", n,
                   Double(geometry.frameCount) / Double(s))
        } ?? ""
        progress.say("\(totalRows) localisations, \(geometry.frameCount) frames, \(s) \(o.correlation.method.rawValue.uppercased()) segments\(chosen), \(LocalisationGrids.describe(grids)), \(comm.size) ranks")

        // 3. Render, transform and correlate.
        try comm.collectively { try FaultInjection.check(.render, rank: comm.rank) }
        let minCount = o.segmentation.minLocalisations
        let setup = CorrelationSetup(method: o.correlation.method, maxShift: o.correlation.maxDriftNm,
                                     smoothingBins: o.correlation.smoothingBins, tukeyAlpha: o.rendering.localisationTukeyAlpha,
                                     maxRenderMB: o.correlation.maxRenderMB,
                                     measure: PairMeasure(minCount: minCount, minPeakQuality: o.correlation.minPeakQuality))
        let correlation = try correlate(locs: locs, plan: plan, grids: grids, setup: setup, timer: &timer, progress: progress)

        // 4. Gather segments and pairs; rank 0 solves; everyone gets the segment drifts.
        let segmentCounts = correlation.counts.map { Int64($0) }
        let sparse = segmentCounts.indices.filter { segmentCounts[$0] < Int64(minCount) }
            .map { segmentation.segments[$0].firstFrame...segmentation.segments[$0].lastFrame }
        if !sparse.isEmpty {
            progress.say("\(sparse.count) segments hold fewer than \(minCount) localisations and are not correlated: frames \(sparse.prefix(5).map { "\($0.lowerBound)-\($0.upperBound)" }.joined(separator: ", "))\(sparse.count > 5 ? ", ..." : "")")
        }
        let active = segmentCounts.map { $0 >= Int64(minCount) }
        guard active.filter({ $0 }).count >= 2 else {
            throw CollectiveFailure(message: "\(o.input): fewer than 2 segments hold \(minCount) localisations or more; use longer segments (or a smaller --min-segment-locs)", rank: 0)
        }
        try comm.collectively { try FaultInjection.check(.correlate, rank: comm.rank) }
        let solver = RootSolve(communicator: comm, maxResidual: o.solve.residualLimitNm, input: o.input)
        let solved = try timer.measure(.solve) {
            try solver.solve(pairs: correlation.pairs, schedule: schedule, active: active, sparse: sparse)
        }
        let pairTotal = solved.pairs.count
        let usedPairs = solved.pairs.filter(\.used).count
        progress.say(String(format: "solved for %d segment drifts from %d of %d pairs (RMS residual %.2f nm)",
                            s, usedPairs, pairTotal, solved.rmsResidualNm))

        // 5. Refinement: short segments aligned to a fine reference of all corrected localisations.
        // The spline runs through the segments that were solved; with smoothing they are weighted by
        // their used pairs' total weight.
        let knots = (0..<s).filter { active[$0] }
        let knotCentres = knots.map { correlation.centres[$0] }, knotDrift = knots.map { solved.drift[$0] }
        let knotWeights = knots.map { max(solved.weight[$0], 1e-12) }
        let smoothing = o.solve.smoothing
        let coarseDrift: ([Int]) -> [SIMD3<Double>] = {
            DriftInterpolation.drift(at: $0, centres: knotCentres, drift: knotDrift, smoothing: smoothing,
                                     weights: smoothing > 0 ? knotWeights : nil)
        }
        var refined: RefinementDriver.Outcome?
        let refinedLocs = o.refinement.enabled ? locs.rows(ownRows) : Localisations()
        if o.refinement.enabled {
            refined = try RefinementDriver(communicator: comm, options: refinement)
                .run(own: refinedLocs, owned: owned, segmentation: segmentation,
                     field: geometry.field, threeD: grids.count > 1, coarseDrift: coarseDrift, timer: &timer, progress: progress)
        }
        let fineDrift = refined?.result.spline()
        let driftAt: ([Int]) -> [SIMD3<Double>] = { frames in
            let c = coarseDrift(frames)
            guard let f = fineDrift?(frames) else { return c }
            return zip(c, f).map { $0 + $1 }
        }
        // 5a. Fiducial beads, where they are present, give the drift there.
        var fiducial: FiducialDrift.Outcome?
        if o.fiducials != .none {
            // Regions from a file are where the beads sit with the drift removed (as at the first frame,
            // e.g. picked on a corrected image), in the input's coordinates; the engine's start at the
            // field's origin and remove the drift without anchoring it at the first frame.
            var regions: FiducialRegions?
            if case .regions(let path) = o.fiducials {
                let first = driftAt([segmentation.firstFrame])[0]
                regions = try comm.collectively {
                    var r = try FiducialRegions.read(path: path, pixelSizeNm: file.pixelSizeNm)
                    r.centres = r.centres.map { $0 - geometry.origin - SIMD2(first.x, first.y) }
                    return r
                }
            }
            let f = timer.measure(.fiducials) {
                FiducialDrift(communicator: comm).run(locs: locs, rows: ownRows, ownFrames: ownFrames, firstFrame: segmentation.firstFrame,
                                                      lastFrame: segmentation.lastFrame, field: geometry.field, threeD: threeD, regions: regions,
                                                      driftAt: driftAt)
            }
            progress.say(f.describe(frames: geometry.frameCount))
            fiducial = f
        }
        let combined: ([Int]) -> [SIMD3<Double>] = { frames in
            fiducial.map { $0.drift(at: frames, fallback: driftAt) } ?? driftAt(frames)
        }
        // Drift is relative to the first frame.
        let anchor = combined([segmentation.firstFrame])[0]
        let finalDrift: ([Int]) -> [SIMD3<Double>] = { combined($0).map { $0 - anchor } }

        // 5b. The expected error from two independent halves, each refined from the final drift.
        var accuracy: AccuracyEstimate.Outcome?
        if o.accuracy.enabled, let r = refined {
            accuracy = AccuracyEstimate(communicator: comm, refinement: refinement, accuracy: o.accuracy)
                .run(own: refinedLocs, segments: r.segments, full: r.result, field: geometry.field, threeD: grids.count > 1,
                     drift: finalDrift, timer: &timer, progress: progress)
        }

        // 6. Accuracy against a known drift (simulations), then one result file written by all ranks.
        let builder = EstimateResultBuilder(communicator: comm, input: o.input, output: o.output)
        let rmse = try builder.truthRMSE(finalDrift)
        var part = DriftResultPart(totalFrames: geometry.frameCount, totalSegments: s, totalPairs: pairTotal)
        if let ownFrames {
            let frames = Array(ownFrames)
            part.frameOffset = ownFrames.lowerBound - segmentation.firstFrame
            part.frames = frames.map { Int64($0) }
            part.drift = finalDrift(frames)
            if let f = fiducial {
                part.source = frames.map { f.source($0) }
                part.sigma = frames.map { f.sigma($0) }
            }
        }
        builder.addSegmentsAndPairs(to: &part, owned: owned, segmentation: segmentation, correlation: correlation,
                                    solved: solved, schedule: schedule)
        if let r = refined?.result, let fineRange = refined?.fineRange {
            part.totalFine = r.centres.count
            part.fineOffset = fineRange.lowerBound
            part.fineFirstFrame = r.firstFrames[fineRange].map { Int64($0) }
            part.fineLastFrame = r.lastFrames[fineRange].map { Int64($0) }
            part.fineCentreFrame = Array(r.centres[fineRange])
            part.fineCount = r.counts[fineRange].map { Int64($0) }
            part.fineCorrection = Array(r.correction[fineRange])
        }

        var attributes = builder.provenance() + [
            ("input_format", .string(file.format.rawValue)),
            ("input_rows", .int(totalRows)),
            ("frames", .int(Int64(geometry.frameCount))),
            ("first_frame", .int(Int64(geometry.firstFrame))),
            ("frame_base", .int(Int64(file.frameBase))),
            ("pixel_size_nm", .double(file.pixelSizeNm ?? .nan)),
            ("field_origin_nm", .string("\(geometry.origin.x),\(geometry.origin.y)")),
            ("field_size_nm", .string("\(geometry.field.x),\(geometry.field.y)")),
            ("ranks", .int(Int64(comm.size))),
            ("dims", .int(threeD ? 3 : 2)),
            ("segments", .int(Int64(s))),
            ("pairs", .int(Int64(pairTotal))),
            ("max_drift_nm", .double(o.correlation.maxDriftNm)),
            ("max_residual_nm", .double(o.solve.residualLimitNm ?? .infinity)),
            ("drift_sign", .string(DriftFile.driftSign)),
        ]
        attributes += (fiducial?.attributes(mode: o.fiducials) ?? [("fiducials", .string(FiducialMode.none.text))]) + leftOut.attributes
        attributes += o.segmentation.attributes(chosen: plan.chosenLocalisations) + o.rendering.attributes(binNm: binNm) + o.correlation.attributes
            + o.solve.attributes + o.refinement.attributes()
            + o.accuracy.attributes(ran: accuracy != nil) + EstimateResultBuilder.accuracyAttributes(accuracy)
        attributes += [("pairs_used", .int(Int64(usedPairs))), ("rms_residual_nm", .double(solved.rmsResidualNm)),
                       ("sparse_segments", .int(Int64(sparse.count)))]
        if let r = refined?.result {
            attributes += [("refine_segments", .int(Int64(r.centres.count))), ("refine_passes", .int(Int64(r.passes))),
                           ("refine_last_update_nm", .double(r.lastUpdateNm)),
                           ("refine_smoothing_chosen", .double(r.smoothing)),
                           ("refine_effective_parameters", .double(r.effectiveParameters))]
            // From the third pass on: the update the next pass was expected to make.
            if r.predictedUpdateNm.isFinite { attributes.append(("refine_predicted_update_nm", .double(r.predictedUpdateNm))) }
        }
        attributes += builder.truthAttributes(rmse)
        attributes.append(("peak_resident_mib_max", .double(comm.allreduce(Double(PeakMemory.residentMiB()), .max))))
        // Per rank, comma-separated in rank order.
        let usage = RankUsage.gather(pairs: correlation.pairs.count, communicator: comm)
        attributes += usage.attributes
        try builder.write(part, attributes: attributes, timer: &timer, progress: progress)

        // 7. The localisations with the drift removed, every rank writing its own rows.
        if let corrected = o.output.writeCorrected {
            try timer.measure(.write) {
                // Rows before the first core go with the first rank's, rows after the last with the last's.
                let n = Int64(file.rowCount)
                let lo = owned.isEmpty ? 0 : (owned.lowerBound == 0 ? 0 : plan.boundaries[owned.lowerBound])
                let hi = owned.isEmpty ? 0 : (owned.upperBound == s ? n : plan.boundaries[owned.upperBound])
                let segmentsText: String
                if let f = o.segmentation.frames { segmentsText = "\(f) frames" }
                else { segmentsText = "\(o.segmentation.localisations ?? plan.chosenLocalisations ?? 0) localisations" }
                let provenance: [(String, String)] = [
                    ("Drift method", o.correlation.method.rawValue), ("Drift dims", threeD ? "3" : "2"),
                    ("Drift segments", segmentsText), ("Drift refined", o.refinement.enabled ? "yes" : "no"),
                ]
                try CorrectedOutput(communicator: comm).write(file, rows: Int(lo)..<Int(hi), correctZ: threeD, drift: finalDrift,
                                                              to: corrected, command: "estimate --write-corrected",
                                                              driftFile: o.output.path, provenance: provenance)
            }
            progress.say("wrote \(corrected)")
        }

        return builder.summary(segments: s, solved: solved, rows: Int(totalRows), dims: threeD ? 3 : 2, rmse: rmse,
                               expectedError: accuracy?.expectedErrorNm, driftRange: EstimateResultBuilder.range(of: knotDrift),
                               sparse: sparse, ranks: usage, timer: timer)
    }

    /// Renders, transforms and correlates (`SpectrumCorrelation`); renders over `--max-render-mb` are
    /// transformed by all ranks together (`DistributedCorrelation`, 2D RCC or DCC only).
    private func correlate(locs: Localisations, plan: SegmentPlan, grids: [RenderGrid], setup: CorrelationSetup,
                           timer: inout PhaseTimer, progress: Progress) throws -> CorrelationOutcome {
        let o = options, segmentation = plan.segmentation
        if let limit = setup.maxRenderMB, Double(grids[0].binCount) * 4 / 1_048_576 > limit {
            guard grids.count == 1, setup.method != .mcc else {
                throw CollectiveFailure(message: "\(o.input): a \(grids[0].width) x \(grids[0].height) render exceeds --max-render-mb \(limit); ranks transform such renders together only for 2D RCC or DCC (use --dims 2, or a larger --bin-nm or --max-render-mb)", rank: 0)
            }
            progress.say("renders of \(grids[0].width) x \(grids[0].height) exceed --max-render-mb \(limit): all ranks transform each segment together")
            return DistributedCorrelation(communicator: communicator, setup: setup, schedule: plan.schedule,
                                          ownership: plan.ownership, grid: grids[0])
                .run(locs: locs, segmentation: segmentation, timer: &timer)
        }
        let renderers = grids.map { Renderer(grid: $0, tukeyAlpha: setup.tukeyAlpha) }
        let stage = SpectrumCorrelation(communicator: communicator, setup: setup, schedule: plan.schedule,
                                        ownership: plan.ownership, grids: grids)
        return try stage.run(timer: &timer, progress: progress) { seg in
            let r = SegmentRows.rows(of: seg..<(seg + 1), in: locs, segmentation)
            let images = zip(renderers, grids).map { renderer, grid in
                renderer.render(x: locs.x[r], y: locs.y[r], z: grid.is3D ? locs.z![r] : nil)
            }
            return (Double(r.count), SegmentRows.centre(of: seg, rows: r, locs: locs, segmentation), images)
        }
    }
}
