import DriftCore
import DriftIO
import Foundation

/// Drift from an image stack: each segment is `binT` time points (cleaned, binned, averaged,
/// windowed: `ImagePreprocessing`), each rank reads and transforms its own segments' time points,
/// streamed for windowed pairs (`StreamedCorrelation`, also the segments its last pairs reach) or
/// all first for MCC and all pairs (`SpectrumCorrelation`), and the solve (`RootSolve`) and result
/// (`EstimateResultBuilder`) follow the localisation path with pixels for nm (x and y in raw pixels,
/// z in slices). The result's drift is in pixels, and also in nm when the stack records its voxel
/// size, at every raw time point.
struct StackEstimate {
    let options: EstimateOptions
    let communicator: Communicator

    func run(progress: Progress) throws -> EstimateSummary {
        let comm = communicator, o = options, images = o.images
        let pre = images.preprocessing(tukeyAlpha: o.rendering.tukeyAlpha)
        var timer = PhaseTimer()
        progress.say("reading \(o.input)")
        let stack = try comm.collectively { try ImageStacks.open(o.input, access: comm.fileAccess) }
        let t = stack.timePoints
        let (bw, bh) = pre.binnedSize(width: stack.width, height: stack.height)
        let threeD = stack.depth > 1 && (o.rendering.dims ?? .three) == .three
        guard bw >= 8, bh >= 8 else {
            throw CollectiveFailure(message: "\(o.input): \(stack.width) x \(stack.height) pixels binned by \(pre.binX) x \(pre.binY) leave fewer than 8 pixels a side", rank: 0)
        }
        let segments = t / pre.binT
        guard segments >= 2 else {
            throw CollectiveFailure(message: "\(o.input): \(t) time point\(t == 1 ? "" : "s") binned by \(pre.binT) make fewer than 2 segments; drift needs at least 2 time points", rank: 0)
        }
        let segmentation = Segmentation.byFrames(frameCount: segments * pre.binT, segmentFrames: pre.binT)
        let schedule = PairSchedule(method: o.correlation.method, segmentation: segmentation, window: o.correlation.partners)
        let ownership = Ownership(weights: [Int64](repeating: 1, count: segments), processCount: comm.size)
        let owned = ownership.segments(of: comm.rank)
        // Grids in binned pixels (x, y) and slices (z), padded by the largest drift searched.
        let maxShift = images.maxDriftPx
        // A grid of the field plus the largest shift holds the correlation up to that shift
        // without wrap-around (lag s - N overlaps the field only if N - s < the field's side). Where
        // the Tukey taper is at least 4 times the largest shift, what wraps round is the tapered
        // edges (the product of their weights at most sin^2(pi / 8)^2 = 2 %, and about 1e-7 at a
        // shift of a few pixels), so the field is not padded: 2048 x 2048 px are transformed at
        // 2048, not 2560.
        let shiftBins = Int((maxShift / Double(min(pre.binX, pre.binY))).rounded(.up))
        let taper = pre.tukeyAlpha / 2 * Double(min(bw, bh))
        let pad = taper >= 4 * Double(shiftBins) ? 0 : shiftBins
        let depth = threeD ? stack.depth : 1
        let grid = RenderGrid(widthNm: Double(bw), heightNm: Double(bh), binNm: 1, padBins: pad,
                              depthNm: threeD ? Double(depth) : nil, binZNm: 1,
                              padBinsZ: threeD ? min(Int(maxShift.rounded(.up)), depth) + 2 : 0)
        progress.say("\(t) time points of \(stack.width) x \(stack.height)\(stack.depth > 1 ? " x \(stack.depth)" : "") px, \(segments) \(o.correlation.method.rawValue.uppercased()) segments of \(pre.binT), grid \(grid.width) x \(grid.height)\(threeD ? " x \(grid.depth)" : ""), \(comm.size) ranks")

        // One segment's image: its time points read, prepared and placed on the grid (2D from
        // z-stacks: their mean).
        func timePoints(_ seg: Int) throws -> [[Float]] {
            try FaultInjection.check(.read, rank: comm.rank)
            let s = segmentation.segments[seg]
            let raw = try stack.read(timePoints: s.firstFrame..<(s.lastFrame + 1))
            let n = stack.voxelsPerTimePoint
            let count = s.lastFrame - s.firstFrame + 1
            var volumes = count == 1 ? [raw] : (0..<count).map { Array(raw[($0 * n)..<(($0 + 1) * n)]) }
            if stack.depth > 1 && !threeD { volumes = volumes.map { Self.zMean($0, planes: stack.depth) } }
            return volumes
        }
        func image(_ seg: Int) throws -> [Float] {
            pre.segmentImage(timePoints: try timePoints(seg), width: stack.width, height: stack.height, depth: depth, grid: grid)
        }
        // Pixels stand in for nm: every time point counts, shifts and residuals are in pixels, and
        // peaks are refined on the continuous correlation (they are not Gaussian).
        let streamed = o.correlation.method == .dcc || (o.correlation.method == .rcc && schedule.window != nil)
        let setup = CorrelationSetup(method: o.correlation.method, maxShift: images.maxDriftBinnedPx,
                                     smoothingBins: o.correlation.smoothingBins, continuousPeak: true,
                                     band: streamed ? 2 : 1,
                                     tukeyAlpha: pre.tukeyAlpha, maxRenderMB: nil,
                                     measure: PairMeasure(minCount: 1, minPeakQuality: o.correlation.minPeakQuality))
        var correlation: CorrelationOutcome
        if streamed {
            // Windowed pairs: each rank streams its own time points (and those its last pairs reach).
            correlation = try StreamedCorrelation(communicator: comm, setup: setup, schedule: schedule, ownership: ownership, grid: grid)
                .run(timer: &timer, progress: progress, counts: [Int](repeating: pre.binT, count: segments),
                     centres: segmentation.segments.map(\.midFrame)) { seg in
                    let volumes = try timePoints(seg)
                    return { pre.segmentImage(timePoints: volumes, width: stack.width, height: stack.height, depth: depth, grid: grid, into: $0) }
                }
        } else {
            // MCC and all pairs: each rank reads and prepares its own segments first.
            let prepared: [Int: [Float]] = try comm.collectively {
                try timer.measure(.read) {
                    var out: [Int: [Float]] = [:]
                    let reading = progress.phase("read and prepare time points", total: owned.count)
                    defer { reading.finish() }
                    for seg in owned {
                        defer { reading.advance() }
                        out[seg] = try image(seg)
                    }
                    return out
                }
            }
            correlation = try SpectrumCorrelation(communicator: comm, setup: setup, schedule: schedule, ownership: ownership, grids: [grid])
                .run(timer: &timer, progress: progress) { seg in
                    (Double(pre.binT), segmentation.segments[seg].midFrame, [prepared[seg]!])
                }
        }
        // Binned pixels to raw pixels.
        let scale = SIMD3(Double(pre.binX), Double(pre.binY), 1)
        for k in correlation.pairs.indices { correlation.pairs[k].shift *= scale }

        let active = [Bool](repeating: true, count: segments)
        let solver = RootSolve(communicator: comm, maxResidual: images.residualLimitPx, input: o.input)
        let solved = try timer.measure(.solve) { try solver.solve(pairs: correlation.pairs, schedule: schedule, active: active, sparse: []) }
        let usedPairs = solved.pairs.filter(\.used).count
        progress.say(String(format: "solved for %d segment drifts from %d of %d pairs (RMS residual %.3f px)",
                            segments, usedPairs, solved.pairs.count, solved.rmsResidualNm))
        let centres = correlation.centres
        let weights = (0..<segments).map { max(solved.weight[$0], 1e-12) }
        let smoothing = o.solve.smoothing
        let driftAt: ([Int]) -> [SIMD3<Double>] = { frames in
            let d = DriftInterpolation.drift(at: frames, centres: centres, drift: solved.drift, smoothing: smoothing,
                                             weights: smoothing > 0 ? weights : nil)
            let anchor = DriftInterpolation.drift(at: [0], centres: centres, drift: solved.drift, smoothing: smoothing,
                                                  weights: smoothing > 0 ? weights : nil)[0]
            return d.map { $0 - anchor }
        }
        let voxel = stack.voxelSizeNm.flatMap { $0.x > 0 && $0.y > 0 ? $0 : nil }
        let toNm: (SIMD3<Double>) -> SIMD3<Double> = { d in voxel.map { d * $0 } ?? d }

        let builder = EstimateResultBuilder(communicator: comm, input: o.input, output: o.output)
        if o.output.truth != nil && voxel == nil {
            throw CollectiveFailure(message: "\(o.input): --truth is in nm and this stack records no voxel size", rank: 0)
        }
        let rmse = try builder.truthRMSE { driftAt($0).map(toNm) }

        // The result: every raw time point, each rank writing its share.
        let pairTotal = solved.pairs.count
        var part = DriftResultPart(totalFrames: t, totalSegments: segments, totalPairs: pairTotal)
        part.unit = LengthUnit.px.rawValue
        let frames = Array((comm.rank * t / comm.size)..<((comm.rank + 1) * t / comm.size))
        part.frameOffset = frames.first ?? 0
        part.frames = frames.map { Int64($0) }
        part.drift = driftAt(frames)
        if voxel != nil { part.driftNm = part.drift.map(toNm) }
        builder.addSegmentsAndPairs(to: &part, owned: owned, segmentation: segmentation, correlation: correlation,
                                    solved: solved, schedule: schedule)

        var attributes = builder.provenance() + [
            ("input_format", .string(stack.formatName)), ("unit", .string(LengthUnit.px.rawValue)),
            ("frames", .int(Int64(t))), ("first_frame", .int(0)), ("frame_base", .int(0)),
            ("image_size_px", .string("\(stack.width),\(stack.height),\(stack.depth)")),
            ("voxel_size_nm", .string(voxel.map { "\($0.x),\($0.y),\($0.z)" } ?? "unknown")),
            ("binned_voxel_size_nm", .string(voxel.map { "\($0.x * Double(pre.binX)),\($0.y * Double(pre.binY)),\($0.z)" } ?? "unknown")),
            ("ranks", .int(Int64(comm.size))), ("dims", .int(threeD ? 3 : 2)),
            ("segments", .int(Int64(segments))), ("pairs", .int(Int64(pairTotal))), ("pairs_used", .int(Int64(usedPairs))),
            ("rms_residual_px", .double(solved.rmsResidualNm)),
            ("drift_sign", .string(DriftFile.driftSign)),
        ]
        attributes += o.correlation.attributes + images.attributes(tukeyAlpha: pre.tukeyAlpha) + o.solve.attributes
        attributes += builder.truthAttributes(rmse)
        let usage = RankUsage.gather(pairs: correlation.pairs.count, communicator: comm)
        attributes += usage.attributes
        try builder.write(part, attributes: attributes, timer: &timer, progress: progress)
        return builder.summary(segments: segments, solved: solved, rows: t, dims: threeD ? 3 : 2, rmse: rmse,
                               driftRange: EstimateResultBuilder.range(of: solved.drift), sparse: [], ranks: usage, timer: timer,
                               unit: .px, voxelSizeNm: voxel)
    }

    /// The mean of a volume's planes (a z-stack flattened for 2D drift).
    static func zMean(_ volume: [Float], planes: Int) -> [Float] {
        let n = volume.count / planes
        var out = [Float](repeating: 0, count: n)
        for p in 0..<planes { for k in 0..<n { out[k] += volume[p * n + k] } }
        let inv = 1 / Float(planes)
        return out.map { $0 * inv }
    }
}
