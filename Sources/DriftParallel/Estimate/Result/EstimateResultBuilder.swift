import DriftCore
import DriftIO
import Foundation

/// The result file and the summary of an estimate, for localisations and image stacks alike: the
/// accuracy against a known drift, each rank's part of the segments and pairs, the attributes every
/// result has, the collective write with the phase timings, and the summary rank 0 reports.
struct EstimateResultBuilder {
    let communicator: Communicator
    let input: String
    let output: OutputOptions

    /// RMSE per axis of `drift` (nm at frames, relative to the first) against the truth file, after
    /// removing a constant offset; nil without one. Rank 0 reads the truth; collective.
    func truthRMSE(_ drift: ([Int]) -> [SIMD3<Double>]) throws -> SIMD3<Double>? {
        guard let truthPath = output.truth else { return nil }
        let comm = communicator
        let found: [Double] = try comm.collectively {
            guard comm.isRoot else { return [] }
            let truth = try TruthCSV.read(path: truthPath)
            let r = DriftAccuracy.rmse(estimated: drift(truth.frames), truth: truth.drift)
            return [r.x, r.y, r.z]
        }
        let r = comm.broadcast(found)
        return SIMD3(r[0], r[1], r[2])
    }

    /// `truth` and `rmse_vs_truth_{x,y,z}_nm`, when a truth was given.
    func truthAttributes(_ rmse: SIMD3<Double>?) -> [(String, AttributeValue)] {
        guard let r = rmse, let path = output.truth else { return [] }
        return [("truth", .string(DriftFile.absolutePath(path))),
                ("rmse_vs_truth_x_nm", .double(r.x)), ("rmse_vs_truth_y_nm", .double(r.y)), ("rmse_vs_truth_z_nm", .double(r.z))]
    }

    /// `expected_error_{x,y,z}_nm` (nm) and `accuracy_half_rows` ("A,B"), when the split halves ran
    /// and could be compared (`AccuracyEstimate`).
    static func accuracyAttributes(_ outcome: AccuracyEstimate.Outcome?) -> [(String, AttributeValue)] {
        guard let a = outcome else { return [] }
        var out: [(String, AttributeValue)] = [("accuracy_half_rows", .string(a.halfRows.map { String($0) }.joined(separator: ",")))]
        if let e = a.expectedErrorNm {
            out += [("expected_error_x_nm", .double(e.x)), ("expected_error_y_nm", .double(e.y)), ("expected_error_z_nm", .double(e.z))]
        }
        return out
    }

    /// `driftmpi_version`, `created` (rank 0's clock; collective), `command` and `input`.
    func provenance() -> [(String, AttributeValue)] {
        let created = communicator.broadcast(DriftFile.now())
        return [("driftmpi_version", .string(DriftmpiVersion.string)), ("created", .string(created)), ("command", .string("estimate")),
                ("input", .string(DriftFile.absolutePath(input)))]
    }

    /// Adds this rank's segments (`owned`) and its equal share of all the pairs (in (i, j) order;
    /// MCC's reference node as j = -1).
    func addSegmentsAndPairs(to part: inout DriftResultPart, owned: Range<Int>, segmentation: Segmentation,
                             correlation: CorrelationOutcome, solved: SolveOutcome, schedule: PairSchedule) {
        Self.addSegmentsAndPairs(to: &part, rank: communicator.rank, ranks: communicator.size, owned: owned,
                                 segmentation: segmentation, correlation: correlation, solved: solved, schedule: schedule)
    }

    /// Rank `rank` of `ranks`'s segments and pairs (see the instance method).
    static func addSegmentsAndPairs(to part: inout DriftResultPart, rank: Int, ranks: Int, owned: Range<Int>,
                                    segmentation: Segmentation, correlation: CorrelationOutcome, solved: SolveOutcome,
                                    schedule: PairSchedule) {
        if !owned.isEmpty { part.segmentOffset = owned.lowerBound }
        for seg in owned {
            part.segmentFirstFrame.append(Int64(segmentation.segments[seg].firstFrame))
            part.segmentLastFrame.append(Int64(segmentation.segments[seg].lastFrame))
            part.segmentCentreFrame.append(correlation.centres[seg])
            part.segmentCount.append(Int64(correlation.counts[seg]))
            part.segmentDrift.append(solved.drift[seg])
            part.segmentSigma.append(solved.sigma[seg])
        }
        let pairTotal = solved.pairs.count
        part.pairOffset = rank * pairTotal / ranks
        let mine = solved.pairs[part.pairOffset..<((rank + 1) * pairTotal / ranks)]
        part.pairI = mine.map { Int64($0.i) }
        part.pairJ = mine.map { Int64($0.j == schedule.referenceNode && schedule.method == .mcc ? -1 : $0.j) }
        part.pairShift = mine.map(\.shift)
        part.pairWeight = mine.map(\.weight)
        part.pairUsed = mine.map { $0.used ? 1 : 0 }
    }

    /// Writes the result file with every rank's part, the attributes and the phase timings so far
    /// (maximum over ranks; every phase but the write, so every rank makes the same reductions).
    func write(_ part: DriftResultPart, attributes: [(String, AttributeValue)], timer: inout PhaseTimer,
               progress: Progress) throws {
        let comm = communicator, path = output.path
        var all = attributes
        for phase in Phase.allCases where phase != .write {
            all.append(("timing_\(phase.rawValue)_s", .double(comm.allreduce(timer.seconds(phase), .max))))
        }
        try timer.measure(.write) {
            try CollectiveOutput(communicator: comm, path: path).write { tmp in
                try DriftResultWriter.write(part, attributes: all, to: tmp, access: comm.fileAccess)
            }
        }
        progress.say("wrote \(path)")
    }

    /// The summary, with the phase timings, the FFTW share and the peak memory (maximum over ranks;
    /// collective).
    func summary(segments: Int, solved: SolveOutcome, rows: Int, dims: Int, rmse: SIMD3<Double>?,
                 expectedError: SIMD3<Double>? = nil, driftRange: SIMD3<Double>, sparse: [ClosedRange<Int>], ranks: [RankUsage], timer: PhaseTimer,
                 unit: LengthUnit = .nm, voxelSizeNm: SIMD3<Double>? = nil) -> EstimateSummary {
        let comm = communicator
        let timings = Phase.allCases.map { (phase: $0, seconds: comm.allreduce(timer.seconds($0), .max)) }
        let fftw = fftwShare(timer)
        let peak = comm.allreduce(Double(PeakMemory.residentMiB()), .max)
        return EstimateSummary(segments: segments, pairs: solved.pairs.count, usedPairs: solved.pairs.filter(\.used).count,
                               rows: rows, dims: dims, timings: timings, rmse: rmse, expectedError: expectedError, driftRange: driftRange,
                               rmsResidual: solved.rmsResidualNm, sparseSegments: sparse, fftwShare: fftw,
                               peakMemoryMiB: peak, ranks: ranks, unit: unit, voxelSizeNm: voxelSizeNm)
    }

    /// Share of the correlation phases (forward transforms, correlations, peak fits) spent inside FFTW, all ranks.
    func fftwShare(_ timer: PhaseTimer) -> Double {
        let comm = communicator
        let fftwSum = comm.allreduce(timer.fftwSeconds, .sum)
        let correlationSum = comm.allreduce(timer.seconds(.fft) + timer.seconds(.correlate) + timer.seconds(.peaks), .sum)
        return correlationSum > 0 ? fftwSum / correlationSum : 0
    }

    /// Largest absolute drift per axis among `drift`.
    static func range(of drift: [SIMD3<Double>]) -> SIMD3<Double> {
        drift.reduce(SIMD3<Double>.zero) { pointwiseMax($0, pointwiseMax($1, -$1)) }
    }
}
