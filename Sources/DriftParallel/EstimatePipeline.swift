import DriftCore
import DriftIO
import Foundation

/// What an estimate produced, as rank 0 reports it.
public struct EstimateSummary: Sendable {
    public var segments: Int
    public var pairs: Int
    public var usedPairs: Int
    public var rows: Int
    public var timings: [(name: String, seconds: Double)]
    /// RMSE against the truth per axis, nm, when a truth file was given.
    public var rmse: SIMD3<Double>?
    /// Largest absolute segment drift per axis, nm.
    public var driftRange: SIMD3<Double>
}

/// Drift from a Picasso localisation file on every process of a communicator:
///
/// 1. each rank reads the rows of its own segments, plus those of the next `window` segments that it
///    needs as partners (hyperslab reads, row ranges found by binary search on the frame column);
/// 2. renders and transforms those segments;
/// 3. correlates each owned segment with its partners and fits each peak;
/// 4. rank 0 gathers the pair shifts (in (i, j) order), solves the least-squares system and
///    broadcasts the segment drifts;
/// 5. every rank interpolates the drift at its own frames and all write one result file together.
///
/// Every step depends only on the data, never on the rank count, so the result is the same at any
/// number of ranks.
public struct EstimatePipeline {
    public let options: EstimateOptions
    public let communicator: Communicator

    /// The phases timed, in order.
    public static let phaseNames = ["read", "render", "fft", "correlate", "solve", "refine", "write"]

    public init(options: EstimateOptions, communicator: Communicator) {
        self.options = options
        self.communicator = communicator
    }

    public func run() throws -> EstimateSummary {
        let comm = communicator
        let o = options
        let progress = Progress(communicator: comm, quiet: o.quiet)
        var timer = PhaseTimer()

        // Checks every rank can make alone, so they agree without talking.
        try comm.collectively { try validate() }

        // Open and look at the input together (parallel HDF5).
        progress.say("reading \(o.input)")
        let file = try comm.collectively { try PicassoFile(path: o.input, access: .parallel(communicator: comm.handle)) }
        let meta = file.metadata
        let frameCount = meta.frames
        guard frameCount / o.segmentFrames >= 2 else {
            throw CollectiveFailure(message: "\(o.input): \(frameCount) frames make fewer than 2 segments of \(o.segmentFrames) frames; use a smaller --segment-frames", rank: 0)
        }
        let fieldW = Double(meta.width) * meta.pixelSizeNm, fieldH = Double(meta.height) * meta.pixelSizeNm
        let bins = (fieldW / o.binNm) * (fieldH / o.binNm)
        guard bins <= Double(1 << 28), min(fieldW, fieldH) / o.binNm >= 8 else {
            throw CollectiveFailure(message: "\(o.input): a field of \(meta.width) x \(meta.height) pixels of \(meta.pixelSizeNm) nm in \(o.binNm) nm bins makes \(bins < 64 ? "too few" : "too many") bins; choose another --bin-nm", rank: 0)
        }
        if o.refine {
            let side = o.refinement.sigmasNm.last!
            let refBins = (fieldW + 2 * o.refinement.marginNm) / side * (fieldH + 2 * o.refinement.marginNm) / side
            guard refBins <= Double(1 << 30) else {
                throw CollectiveFailure(message: "\(o.input): the refinement reference of this field at \(side) nm would hold \(Int(refBins)) bins; use a larger --refine-sigma-nm or --no-refine", rank: 0)
            }
        }
        let segmentation = Segmentation.byFrames(frameCount: frameCount, segmentFrames: o.segmentFrames)
        let s = segmentation.count
        let ownership = Ownership(segmentCount: s, processCount: comm.size)
        let owned = ownership.segments(of: comm.rank)
        let needed: Range<Int> = owned.isEmpty ? owned
            : owned.lowerBound..<(o.window.map { min(s, owned.upperBound + min($0, s)) } ?? s)

        // The row ranges are found by binary search on the frame column, which needs it sorted: each
        // rank checks one block of it (with one row of overlap) and all agree.
        try comm.collectively {
            try timer.measure("read") {
                let n = file.rowCount
                let lo = comm.rank * n / comm.size, hi = min(n, (comm.rank + 1) * n / comm.size + 1)
                try file.checkFramesSorted(rows: lo..<hi)
            }
        }

        // 1. Read own rows and the partners' rows.
        let locs: Localisations = try comm.collectively {
            try timer.measure("read") {
                guard !needed.isEmpty else { return Localisations() }
                let first = try file.firstRow(atOrAfterFrame: segmentation.segments[needed.lowerBound].firstFrame)
                let end = try file.firstRow(atOrAfterFrame: segmentation.segments[needed.upperBound - 1].lastFrame + 1)
                return try file.read(rows: first..<end)
            }
        }
        let grid = RenderGrid(widthNm: fieldW, heightNm: fieldH, binNm: o.binNm)
        let totalRows = comm.allreduce(Int64(owned.isEmpty ? 0 : rowsOf(owned, in: locs, segmentation).count), .sum)
        progress.say("\(totalRows) localisations, \(frameCount) frames, \(s) segments of \(o.segmentFrames) frames, \(grid.width)x\(grid.height) bins of \(o.binNm) nm, \(comm.size) ranks")

        // 2. Render and transform the needed segments.
        let renderer = Renderer(grid: grid, tukeyAlpha: o.tukeyAlpha)
        let correlator = CrossCorrelator(width: grid.width, height: grid.height,
                                         maxShiftBins: Int(min(o.maxDriftNm / o.binNm, 1e6).rounded(.up)),
                                         smoothingBins: o.correlationSmoothingBins)
        var spectra: [Int: Spectrum] = [:]
        var counts: [Int: Int] = [:]
        var centres: [Int: Double] = [:]
        for seg in needed {
            let rows = rowsOf(seg..<(seg + 1), in: locs, segmentation)
            counts[seg] = rows.count
            var sum = 0.0
            for k in rows { sum += Double(locs.frame[k]) }
            centres[seg] = rows.isEmpty ? segmentation.segments[seg].midFrame : sum / Double(rows.count)
            let image = timer.measure("render") { renderer.render(x: locs.x[rows], y: locs.y[rows]) }
            spectra[seg] = timer.measure("fft") { correlator.spectrum(of: image) }
        }
        progress.say("rendered and transformed \(needed.count) segments on rank 0")

        // 3. Correlate each owned segment with its partners.
        var pairs: [PairShift] = []
        timer.measure("correlate") {
            for i in owned {
                let last = o.window.map { min(s - 1, i + min($0, s)) } ?? (s - 1)
                guard i + 1 <= last else { continue }
                for j in (i + 1)...last {
                    let ni = Double(counts[i]!), nj = Double(counts[j]!)
                    if let peak = correlator.shift(from: spectra[i]!, to: spectra[j]!), ni > 0, nj > 0 {
                        let shift = SIMD3(peak.dx * o.binNm, peak.dy * o.binNm, 0)
                        pairs.append(PairShift(i: i, j: j, shift: shift, weight: ni * nj / (ni + nj)))
                    } else {
                        pairs.append(PairShift(i: i, j: j, shift: .zero, weight: 0, used: false))
                    }
                }
            }
        }
        spectra.removeAll()

        // 4. Gather segments and pairs; rank 0 solves; everyone gets the segment drifts.
        var segmentInfo: [Double] = []
        for seg in owned { segmentInfo += [Double(counts[seg]!), centres[seg]!] }
        let allSegments = comm.allgatherv(segmentInfo)
        let segmentCounts = stride(from: 0, to: allSegments.count, by: 2).map { Int64(allSegments[$0]) }
        let segmentCentres = stride(from: 1, to: allSegments.count, by: 2).map { allSegments[$0] }
        let pairFlat = pairs.flatMap(\.packed)
        let gathered = comm.gatherv(pairFlat)
        var solved: [Double] = []
        let solveError: Error? = timer.measure("solve") {
            guard comm.isRoot else { return nil }
            let all = stride(from: 0, to: gathered.count, by: PairShift.packedCount).map { k in
                PairShift(packed: gathered[k..<(k + PairShift.packedCount)])
            }
            do {
                let drift = try DriftSolver.solve(segmentCount: s, pairs: all)
                solved = drift.flatMap { [$0.x, $0.y, $0.z] }
                return nil
            } catch {
                return HDF5Error(o.input, "\(error)")
            }
        }
        try comm.agree(solveError)
        let segmentDrift = comm.broadcast(solved).withUnsafeBufferPointer { b in
            (0..<s).map { SIMD3(b[3 * $0], b[3 * $0 + 1], b[3 * $0 + 2]) }
        }
        let pairTotal = comm.allreduce(Int64(pairs.count), .sum)
        progress.say("solved for \(s) segment drifts from \(pairTotal) pairs")

        // 5. Refinement: short segments aligned to a fine reference of all corrected localisations.
        let coarseDrift: ([Int]) -> [SIMD3<Double>] = { DriftInterpolation.drift(at: $0, centres: segmentCentres, drift: segmentDrift) }
        var refinement: RefinementResult?
        var fineOffset = 0
        var fineCount = 0
        if o.refine {
            let ownRows = owned.isEmpty ? 0..<0 : rowsOf(owned, in: locs, segmentation)
            let own = locs.rows(ownRows)
            var fine: [FineSegment] = []
            for seg in owned {
                let r = rowsOf(seg..<(seg + 1), in: locs, segmentation)
                fine += Refinement.fineSegments(frames: own.frame, rows: (r.lowerBound - ownRows.lowerBound)..<(r.upperBound - ownRows.lowerBound),
                                                firstFrame: segmentation.segments[seg].firstFrame,
                                                lastFrame: segmentation.segments[seg].lastFrame, options: o.refinement)
            }
            let fineCounts = comm.allgather(Int64(fine.count))
            fineOffset = Int(fineCounts[..<comm.rank].reduce(0, +))
            fineCount = fine.count
            refinement = timer.measure("refine") {
                Refinement.run(locs: own, segments: fine, fieldWidthNm: fieldW, fieldHeightNm: fieldH, baseDrift: coarseDrift,
                               options: o.refinement, sumCounts: { comm.allreduceSum(&$0) }, gather: { comm.allgatherv($0) })
            }
            if let r = refinement {
                progress.say(String(format: "refined with %d segments in %d passes (last update %.3f nm)", r.centres.count, r.passes, r.lastUpdateNm))
            }
        }
        let fineDrift = refinement?.spline()
        let driftAt: ([Int]) -> [SIMD3<Double>] = { frames in
            let c = coarseDrift(frames)
            guard let f = fineDrift?(frames) else { return c }
            return zip(c, f).map { $0 + $1 }
        }
        // Drift is relative to the first frame.
        let anchor = driftAt([segmentation.firstFrame])[0]
        let finalDrift: ([Int]) -> [SIMD3<Double>] = { driftAt($0).map { $0 - anchor } }

        // 6. Drift at every own frame, then one result file written by all ranks.
        var part = DriftResultPart(totalFrames: frameCount, totalSegments: s,
                                   totalPairs: Int(pairTotal))
        if let r = refinement {
            part.totalFine = r.centres.count
            part.fineOffset = fineOffset
            let mine = fineOffset..<(fineOffset + fineCount)
            part.fineFirstFrame = r.firstFrames[mine].map { Int64($0) }
            part.fineLastFrame = r.lastFrames[mine].map { Int64($0) }
            part.fineCentreFrame = Array(r.centres[mine])
            part.fineCount = r.counts[mine].map { Int64($0) }
            part.fineCorrection = Array(r.correction[mine])
        }
        if !owned.isEmpty {
            let firstFrame = segmentation.segments[owned.lowerBound].firstFrame
            let lastFrame = segmentation.segments[owned.upperBound - 1].lastFrame
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
            }
        }
        let pairCounts = comm.allgather(Int64(pairs.count))
        part.pairOffset = Int(pairCounts[..<comm.rank].reduce(0, +))
        part.pairI = pairs.map { Int64($0.i) }
        part.pairJ = pairs.map { Int64($0.j) }
        part.pairShift = pairs.map(\.shift)
        part.pairWeight = pairs.map(\.weight)
        part.pairUsed = pairs.map { $0.used ? 1 : 0 }

        let usedPairs = Int(comm.allreduce(Int64(pairs.filter(\.used).count), .sum))
        var attributes = parameterAttributes(rows: Int(totalRows), meta: meta, segments: s, pairs: part.totalPairs)
        attributes.append(("refine", .int(o.refine ? 1 : 0)))
        if let r = refinement {
            attributes.append(("refine_segments", .int(Int64(r.centres.count))))
            attributes.append(("refine_passes", .int(Int64(r.passes))))
            attributes.append(("refine_last_update_nm", .double(r.lastUpdateNm)))
            attributes.append(("refine_min_localisations", .int(Int64(o.refinement.minLocalisations))))
            attributes.append(("refine_min_frames", .int(Int64(o.refinement.minFrames))))
            attributes.append(("refine_sigmas_nm", .string(o.refinement.sigmasNm.map { String($0) }.joined(separator: ","))))
            attributes.append(("refine_convergence_nm", .double(o.refinement.convergenceNm)))
        }

        // Accuracy against a known drift (simulations), on rank 0 from the segment drifts.
        var rmse: SIMD3<Double>?
        if let truthPath = o.truth {
            let found: [Double] = try comm.collectively {
                guard comm.isRoot else { return [] }
                let truth = try TruthCSV.read(path: truthPath)
                let est = finalDrift(truth.frames)
                let r = DriftAccuracy.rmse(estimated: est, truth: truth.drift)
                return [r.x, r.y, r.z]
            }
            let r = comm.broadcast(found)
            rmse = SIMD3(r[0], r[1], r[2])
            attributes.append(("truth", .string(URL(fileURLWithPath: truthPath).standardizedFileURL.path)))
            attributes.append(("rmse_vs_truth_x_nm", .double(r[0])))
            attributes.append(("rmse_vs_truth_y_nm", .double(r[1])))
            attributes.append(("rmse_vs_truth_z_nm", .double(r[2])))
        }
        // Timings so far (max over ranks), stored with the result.
        // A fixed list of phases, so every rank makes the same reductions (a rank may have no work).
        for name in Self.phaseNames where name != "write" {
            attributes.append(("timing_\(name)_s", .double(comm.allreduce(timer.seconds(name), .max))))
        }
        try timer.measure("write") {
            try CollectiveOutput(communicator: comm, path: o.output).write { tmp in
                try DriftResultWriter.write(part, attributes: attributes, to: tmp, access: .parallel(communicator: comm.handle))
            }
        }
        progress.say("wrote \(o.output)")

        var phases: [(String, Double)] = []
        for name in Self.phaseNames { phases.append((name, comm.allreduce(timer.seconds(name), .max))) }
        return EstimateSummary(segments: s, pairs: part.totalPairs, usedPairs: usedPairs, rows: Int(totalRows),
                               timings: phases, rmse: rmse,
                               driftRange: segmentDrift.reduce(SIMD3<Double>.zero) { pointwiseMax($0, pointwiseMax($1, -$1)) })
    }

    /// Row indices (into the locally read table) of the segments `segs`.
    func rowsOf(_ segs: Range<Int>, in locs: Localisations, _ segmentation: Segmentation) -> Range<Int> {
        let lo = segmentation.segments[segs.lowerBound].firstFrame
        let hi = segmentation.segments[segs.upperBound - 1].lastFrame
        return lowerBound(locs.frame, lo)..<lowerBound(locs.frame, hi + 1)
    }

    func lowerBound(_ frames: [UInt32], _ value: Int) -> Int {
        var lo = 0, hi = frames.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if Int(frames[mid]) < value { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }

    /// Checks of the options and paths that need no data.
    func validate() throws {
        let o = options
        guard o.segmentFrames > 0 else { throw HDF5Error(o.input, "--segment-frames must be positive") }
        guard o.binNm > 0, o.binNm.isFinite else { throw HDF5Error(o.input, "--bin-nm must be positive") }
        if let w = o.window, w < 1 { throw HDF5Error(o.input, "--window must be at least 1 (or 'all')") }
        guard o.maxDriftNm > 0, o.maxDriftNm.isFinite else { throw HDF5Error(o.input, "--max-drift-nm must be positive") }
        let fm = FileManager.default
        guard fm.fileExists(atPath: o.input) else { throw HDF5Error(o.input, "no such file") }
        let inURL = URL(fileURLWithPath: o.input).standardizedFileURL.resolvingSymlinksInPath()
        let outURL = URL(fileURLWithPath: o.output).standardizedFileURL.resolvingSymlinksInPath()
        guard inURL != outURL else { throw HDF5Error(o.output, "the output would overwrite the input") }
        let dir = outURL.deletingLastPathComponent().path
        var isDir: ObjCBool = false
        guard fm.fileExists(atPath: dir, isDirectory: &isDir), isDir.boolValue else {
            throw HDF5Error(o.output, "the output directory \(dir) does not exist")
        }
        guard fm.isWritableFile(atPath: dir) else { throw HDF5Error(o.output, "the output directory \(dir) is not writable") }
    }

    func parameterAttributes(rows: Int, meta: PicassoMetadata, segments: Int, pairs: Int) -> [(String, AttributeValue)] {
        let o = options
        let created = communicator.broadcast(ISO8601DateFormatter().string(from: Date()))
        return [
            ("driftmpi_version", .string(DriftmpiVersion.string)),
            ("created", .string(created)),
            ("command", .string("estimate")),
            ("input", .string(URL(fileURLWithPath: o.input).standardizedFileURL.path)),
            ("input_format", .string("picasso")),
            ("input_rows", .int(Int64(rows))),
            ("frames", .int(Int64(meta.frames))),
            ("pixel_size_nm", .double(meta.pixelSizeNm)),
            ("ranks", .int(Int64(communicator.size))),
            ("method", .string("rcc")),
            ("dims", .int(2)),
            ("segment_frames", .int(Int64(o.segmentFrames))),
            ("segments", .int(Int64(segments))),
            ("pairs", .int(Int64(pairs))),
            ("bin_nm", .double(o.binNm)),
            ("window", .string(o.window.map(String.init) ?? "all")),
            ("tukey_alpha", .double(o.tukeyAlpha)),
            ("max_drift_nm", .double(o.maxDriftNm)),
            ("correlation_smoothing_bins", .double(o.correlationSmoothingBins)),
            ("interpolation", .string("natural cubic spline through segment centres, held beyond the ends")),
            ("drift_sign", .string("drift = apparent position minus position at the first frame; corrected = raw - drift")),
        ]
    }
}
