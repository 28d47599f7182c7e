import DriftCore
import Foundation

/// The expected error of a refined drift from two independent halves of the localisations
/// (`SplitHalves`): every rank splits its own rows by their corrected x-y cell, and all ranks refine
/// each half together (`RefinementDriver.refine`, as the whole is) on the same fine
/// segment frame boundaries, started from the whole's final drift with at most
/// `AccuracyOptions.maxPasses` passes. The halves' corrections are compared at every frame of the
/// refined range. Nothing depends on the rank count: the split looks only at each localisation, and
/// the refinement's sums are exact, so the figure is the same bit for bit at any number of ranks.
struct AccuracyEstimate {
    let communicator: Communicator
    /// The refinement's options (kernels, smoothing, convergence); the passes are `accuracy`'s.
    let refinement: RefinementOptions
    let accuracy: AccuracyOptions

    struct Outcome {
        /// Expected RMS error of the whole's drift per axis, nm (z = 0 in 2D); nil when a half has fewer
        /// than two fine segments with something to align to.
        var expectedErrorNm: SIMD3<Double>?
        /// Localisations in half A and half B, all ranks.
        var halfRows: [Int64]
        /// Refinement passes each half took.
        var passes: [Int]
    }

    /// Splits this rank's `own` localisations (the refinement's; frame order) with their fine segments
    /// `segments` (rows of `own`) into halves and refines each from `drift` (nm at frames; the whole's
    /// final drift) in a field of `field` nm, z too when `threeD`. `full` is the whole's refinement
    /// (every rank's fine segments): the halves are compared over its frames. Collective.
    func run(own: Localisations, segments: [FineSegment], full: RefinementResult, field: SIMD2<Double>, threeD: Bool,
             drift: @escaping ([Int]) -> [SIMD3<Double>], timer: inout PhaseTimer, progress: Progress) -> Outcome {
        let comm = communicator
        var o = refinement
        o.maxPasses = accuracy.maxPasses
        // The halves keep the whole's smoothing: (A - B) / 2 then has the noise of the whole's drift.
        o.smoothing = .fixed(full.smoothing)
        // The start is the whole's drift, already within about a nanometre: no capture pass.
        o.captureFirstPass = false
        // (A - B) / 2 is what the halves report: their Newton steps go on to 1/20 of the kernel width
        // (at 1/10 the expected error came out about 10 % lower, a larger underestimate).
        o.newtonStopFraction = 1.0 / 20
        return timer.measure(.accuracy) {
            let first = Int(own.frame.min() ?? 0), last = Int(own.frame.max() ?? 0)
            let ownDrift = own.count > 0 ? drift(Array(first...last)) : []
            let inB = SplitHalves.halfB(of: own, drift: ownDrift, firstFrame: first, cellNm: accuracy.cellNm)
            var results: [RefinementResult] = [], rows: [Int64] = []
            for (name, keep) in [("A", inB.map { !$0 }), ("B", inB)] {
                let (half, carried) = SplitHalves.select(own, keep: keep, segments: segments)
                let total = comm.allreduce(Int64(half.count), .sum)
                let r = RefinementDriver(communicator: comm, options: o)
                    .refine(half, segments: carried, field: field, threeD: threeD, baseDrift: drift)
                progress.say("split half \(name): \(total) localisations refined in \(r.passes) passes"
                             + String(format: " (last update %.3f nm)", r.lastUpdateNm))
                results.append(r)
                rows.append(total)
            }
            let passes = results.map(\.passes)
            guard results.allSatisfy({ $0.valid.filter { $0 }.count >= 2 }),
                  let a = full.firstFrames.first, let b = full.lastFrames.last, a <= b else {
                progress.say("split halves: too few short segments to compare; expected error not estimated")
                return Outcome(expectedErrorNm: nil, halfRows: rows, passes: passes)
            }
            // Both halves start from the same drift, so their drifts differ by their corrections.
            let frames = Array(a...b)
            let error = SplitHalves.expectedError(a: results[0].spline()(frames),
                                                  b: results[1].spline()(frames))
            progress.say(String(format: "expected error from split halves: x %.2f nm, y %.2f nm, z %.2f nm", error.x, error.y, error.z))
            return Outcome(expectedErrorNm: error, halfRows: rows, passes: passes)
        }
    }
}
