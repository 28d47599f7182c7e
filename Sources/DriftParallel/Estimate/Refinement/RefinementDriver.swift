import DriftCore

/// The refinement of a coarse drift under MPI: each rank cuts its own segments' cores into short
/// segments of about `minLocalisations` localisations, and all ranks align them together to a fine
/// reference of all corrected localisations (`Refinement`).
struct RefinementDriver {
    let communicator: Communicator
    let options: RefinementOptions

    /// What the refinement found, and this rank's share of its fine segments.
    struct Outcome {
        var result: RefinementResult
        /// Indices of this rank's fine segments among all ranks'.
        var fineRange: Range<Int>
        /// This rank's fine segments (rows of its `own` localisations), for `AccuracyEstimate`.
        var segments: [FineSegment]
    }

    /// Refines `coarseDrift` with this rank's localisations `own` (rows of its segments `owned`, in
    /// frame order) in a field of `field` nm; in 3D over the
    /// z range of all ranks' own localisations. Collective.
    func run(own: Localisations, owned: Range<Int>, segmentation: Segmentation, field: SIMD2<Double>,
             threeD: Bool, coarseDrift: @escaping ([Int]) -> [SIMD3<Double>],
             timer: inout PhaseTimer, progress: Progress) throws -> Outcome {
        let comm = communicator, o = options
        try comm.collectively { try FaultInjection.check(.refine, rank: comm.rank) }
        var fine: [FineSegment] = []
        for seg in owned {
            let core = segmentation.core(seg)
            let rows = FrameSearch.rows(own.frame, frames: core.lowerBound, through: core.upperBound)
            fine += Refinement.fineSegments(frames: own.frame, rows: rows, firstFrame: core.lowerBound,
                                            lastFrame: core.upperBound, options: o)
        }
        let fineCounts = comm.allgather(Int64(fine.count))
        let fineOffset = Int(fineCounts[..<comm.rank].reduce(0, +))
        let fineRange = fineOffset..<(fineOffset + fine.count)
        let result = timer.measure(.refine) {
            refine(own, segments: fine, field: field, threeD: threeD, baseDrift: coarseDrift,
                   onPass: { pass, update in
                       progress.say(String(format: "refinement pass %d of at most %d: largest update %.3f nm (stops below %.1f)",
                                           pass, o.maxPasses, update, o.convergenceNm))
                   })
        }
        let predicted = result.predictedUpdateNm.isFinite ? String(format: ", next predicted %.3f nm", result.predictedUpdateNm) : ""
        progress.say(String(format: "refined with %d segments in %d passes (last update %.3f nm%@); correction smoothed by %g (%.0f effective parameters)",
                            result.centres.count, result.passes, result.lastUpdateNm, predicted, result.smoothing, result.effectiveParameters))
        return Outcome(result: result, fineRange: fineRange, segments: fine)
    }

    /// `Refinement.run` with `options` on this rank's `locs` and fine `segments` (rows of `locs`), from
    /// `baseDrift`, across all ranks, in a field of `field` nm, z too when
    /// `threeD` (over the z range of every rank's `locs`). With more than one rank the x-y alignment
    /// is shared by tiles of the field (`TiledAlignment`). Collective.
    func refine(_ locs: Localisations, segments: [FineSegment], field: SIMD2<Double>, threeD: Bool,
                baseDrift: @escaping ([Int]) -> [SIMD3<Double>],
                onPass: ((_ pass: Int, _ updateNm: Double) -> Void)? = nil) -> RefinementResult {
        let comm = communicator, o = options
        return Refinement.run(locs: locs, segments: segments, fieldWidthNm: field.x, fieldHeightNm: field.y,
                              zRange: threeD ? LocalisationGrids.zRange(of: locs, communicator: comm) ?? 0...0 : nil,
                              baseDrift: baseDrift, options: o,
                              sumCounts: { comm.allreduceSum(&$0) }, gather: { comm.allgatherv($0) },
                              exchange: comm.size > 1 ? tileExchange : nil, onPass: onPass)
    }

    /// The communicator's collectives as the tiled alignment uses them.
    var tileExchange: TileExchange {
        let comm = communicator
        return TileExchange(rank: comm.rank, processes: comm.size, sum: { comm.allreduceSum(&$0) },
                             route: { comm.alltoallv($0, counts: $1) }, routeIndices: { comm.alltoallv($0, counts: $1) })
    }
}
