import DriftCore
import DriftIO
import Foundation

/// Image stacks driftmpi reads: PYME image files and TIFF stacks.
public enum ImageStacks {
    /// Whether `path` is an image stack: `.tif`/`.tiff`, or HDF5 with PYME's `/ImageData`.
    public static func isImageStack(_ path: String) -> Bool {
        let ext = (path as NSString).pathExtension.lowercased()
        if ext == "tif" || ext == "tiff" { return true }
        guard ["h5", "hdf5", "hdf"].contains(ext), FileManager.default.fileExists(atPath: path), HDF5File.isHDF5(path),
              let file = try? HDF5File.openReadOnly(path) else { return false }
        return file.exists("/ImageData")
    }

    /// Opens a stack (under `.parallel` all processes call this together for HDF5 files).
    public static func open(_ path: String, access: H5Access) throws -> ImageStack {
        guard FileManager.default.fileExists(atPath: path) else { throw HDF5Error(path, "no such file") }
        let ext = (path as NSString).pathExtension.lowercased()
        if ext == "tif" || ext == "tiff" { return try TIFFStack(path: path) }
        return try PYMEImageStack(path: path, access: access)
    }
}

extension EstimatePipeline {
    /// Drift from an image stack: each segment is `binT` time points (cleaned, binned, averaged,
    /// windowed: `ImagePreprocessing`), each rank reads and transforms its own segments' time points,
    /// and the correlation, solve and result follow the localisation path with pixels for nm (x and y
    /// in raw pixels, z in slices). The result's drift is in pixels, and also in nm when the stack
    /// records its voxel size, at every raw time point.
    func runImages() throws -> EstimateSummary {
        let comm = communicator, o = options, pre = o.image
        let progress = Progress(communicator: comm, quiet: o.quiet, json: o.logJSON)
        var timer = PhaseTimer()
        progress.say("reading \(o.input)")
        let stack = try comm.collectively { try ImageStacks.open(o.input, access: .parallel(communicator: comm.handle)) }
        let t = stack.timePoints
        let (bw, bh) = pre.binnedSize(width: stack.width, height: stack.height)
        let threeD = stack.depth > 1 && (o.dims ?? 3) == 3
        guard bw >= 8, bh >= 8 else {
            throw CollectiveFailure(message: "\(o.input): \(stack.width) x \(stack.height) pixels binned by \(pre.binX) x \(pre.binY) leave fewer than 8 pixels a side", rank: 0)
        }
        let segments = t / pre.binT
        guard segments >= 2 else {
            throw CollectiveFailure(message: "\(o.input): \(t) time point\(t == 1 ? "" : "s") binned by \(pre.binT) make fewer than 2 segments; drift needs at least 2 time points", rank: 0)
        }
        let segmentation = Segmentation.byFrames(frameCount: segments * pre.binT, segmentFrames: pre.binT)
        let schedule = PairSchedule(method: o.method, segmentation: segmentation, window: o.window)
        let ownership = Ownership(weights: [Int64](repeating: 1, count: segments), processCount: comm.size)
        let owned = ownership.segments(of: comm.rank)
        // Grids in binned pixels (x, y) and slices (z), padded by the largest drift searched.
        let maxShift = o.maxDriftPx
        let pad = Int((maxShift / Double(min(pre.binX, pre.binY))).rounded(.up)) + 2
        let depth = threeD ? stack.depth : 1
        let grid = RenderGrid(widthNm: Double(bw), heightNm: Double(bh), binNm: 1, padBins: pad,
                              depthNm: threeD ? Double(depth) : nil, binZNm: 1,
                              padBinsZ: threeD ? min(Int(maxShift.rounded(.up)), depth) + 2 : 0)
        progress.say("\(t) time points of \(stack.width) x \(stack.height)\(stack.depth > 1 ? " x \(stack.depth)" : "") px, \(segments) \(o.method.rawValue.uppercased()) segments of \(pre.binT), grid \(grid.width) x \(grid.height)\(threeD ? " x \(grid.depth)" : ""), \(comm.size) ranks")

        // Each rank reads and prepares its own segments' time points (2D from z-stacks: their mean).
        let images: [Int: [Float]] = try comm.collectively {
            try timer.measure("read") {
                try FaultInjection.check("read", rank: comm.rank)
                var out: [Int: [Float]] = [:]
                let reading = progress.phase("read and prepare time points", total: owned.count)
                defer { reading.finish() }
                for seg in owned {
                    defer { reading.advance() }
                    let s = segmentation.segments[seg]
                    let raw = try stack.read(timePoints: s.firstFrame..<(s.lastFrame + 1))
                    let n = stack.voxelsPerTimePoint
                    var volumes = (0..<(s.lastFrame - s.firstFrame + 1)).map { Array(raw[($0 * n)..<(($0 + 1) * n)]) }
                    if stack.depth > 1 && !threeD { volumes = volumes.map { Self.zMean($0, planes: stack.depth) } }
                    out[seg] = pre.segmentImage(timePoints: volumes, width: stack.width, height: stack.height, depth: depth, grid: grid)
                }
                return out
            }
        }
        var correlation = try correlate(segmentation: segmentation, schedule: schedule, ownership: ownership, grids: [grid],
                                        timer: &timer, progress: progress) { seg in
            (Double(pre.binT), segmentation.segments[seg].midFrame, [images[seg]!])
        }
        // Binned pixels to raw pixels.
        let scale = SIMD3(Double(pre.binX), Double(pre.binY), 1)
        for k in correlation.pairs.indices { correlation.pairs[k].shift *= scale }

        let active = [Bool](repeating: true, count: segments)
        let solved = try timer.measure("solve") { try solveOnRoot(pairs: correlation.pairs, schedule: schedule, active: active, sparse: []) }
        let usedPairs = solved.pairs.filter(\.used).count
        progress.say(String(format: "solved for %d segment drifts from %d of %d pairs (RMS residual %.3f px)",
                            segments, usedPairs, solved.pairs.count, solved.rmsResidualNm))
        let centres = correlation.centres
        let weights = (0..<segments).map { max(solved.weight[$0], 1e-12) }
        let driftAt: ([Int]) -> [SIMD3<Double>] = { frames in
            let d = DriftInterpolation.drift(at: frames, centres: centres, drift: solved.drift, smoothing: o.smoothing,
                                             weights: o.smoothing > 0 ? weights : nil)
            let anchor = DriftInterpolation.drift(at: [0], centres: centres, drift: solved.drift, smoothing: o.smoothing,
                                                  weights: o.smoothing > 0 ? weights : nil)[0]
            return d.map { $0 - anchor }
        }
        let voxel = stack.voxelSizeNm.flatMap { $0.x > 0 && $0.y > 0 ? $0 : nil }
        let toNm: (SIMD3<Double>) -> SIMD3<Double> = { d in voxel.map { d * $0 } ?? d }

        var rmse: SIMD3<Double>?
        if let truthPath = o.truth {
            guard voxel != nil else {
                throw CollectiveFailure(message: "\(o.input): --truth is in nm and this stack records no voxel size", rank: 0)
            }
            let found: [Double] = try comm.collectively {
                guard comm.isRoot else { return [] }
                let truth = try TruthCSV.read(path: truthPath)
                let r = DriftAccuracy.rmse(estimated: driftAt(truth.frames).map(toNm), truth: truth.drift)
                return [r.x, r.y, r.z]
            }
            let r = comm.broadcast(found)
            rmse = SIMD3(r[0], r[1], r[2])
        }

        // The result: every raw time point, each rank writing its share.
        var part = DriftResultPart(totalFrames: t, totalSegments: segments, totalPairs: solved.pairs.count)
        part.unit = "px"
        let frames = Array((comm.rank * t / comm.size)..<((comm.rank + 1) * t / comm.size))
        part.frameOffset = frames.first ?? 0
        part.frames = frames.map { Int64($0) }
        part.drift = driftAt(frames)
        if voxel != nil { part.driftNm = part.drift.map(toNm) }
        part.segmentOffset = owned.lowerBound
        for seg in owned {
            part.segmentFirstFrame.append(Int64(segmentation.segments[seg].firstFrame))
            part.segmentLastFrame.append(Int64(segmentation.segments[seg].lastFrame))
            part.segmentCentreFrame.append(centres[seg])
            part.segmentCount.append(Int64(pre.binT))
            part.segmentDrift.append(solved.drift[seg])
            part.segmentSigma.append(solved.sigma[seg])
        }
        let pairTotal = solved.pairs.count
        part.pairOffset = comm.rank * pairTotal / comm.size
        let mine = solved.pairs[part.pairOffset..<((comm.rank + 1) * pairTotal / comm.size)]
        part.pairI = mine.map { Int64($0.i) }
        part.pairJ = mine.map { Int64($0.j == schedule.referenceNode && o.method == .mcc ? -1 : $0.j) }
        part.pairShift = mine.map(\.shift)
        part.pairWeight = mine.map(\.weight)
        part.pairUsed = mine.map { $0.used ? 1 : 0 }

        let created = comm.broadcast(ISO8601DateFormatter().string(from: Date()))
        func clip(_ b: ClipBound?) -> String {
            switch b { case .none: return "none"; case .value(let v): return String(v); case .percentile(let p): return "p\(p)" }
        }
        var attributes: [(String, AttributeValue)] = [
            ("driftmpi_version", .string(DriftmpiVersion.string)), ("created", .string(created)), ("command", .string("estimate")),
            ("input", .string(URL(fileURLWithPath: o.input).standardizedFileURL.path)),
            ("input_format", .string(stack.formatName)), ("unit", .string("px")),
            ("frames", .int(Int64(t))), ("first_frame", .int(0)), ("frame_base", .int(0)),
            ("image_size_px", .string("\(stack.width),\(stack.height),\(stack.depth)")),
            ("voxel_size_nm", .string(voxel.map { "\($0.x),\($0.y),\($0.z)" } ?? "unknown")),
            ("binned_voxel_size_nm", .string(voxel.map { "\($0.x * Double(pre.binX)),\($0.y * Double(pre.binY)),\($0.z)" } ?? "unknown")),
            ("ranks", .int(Int64(comm.size))), ("method", .string(o.method.rawValue)), ("dims", .int(threeD ? 3 : 2)),
            ("segments", .int(Int64(segments))), ("pairs", .int(Int64(pairTotal))), ("pairs_used", .int(Int64(usedPairs))),
            ("window", .string(o.windowDescription)),
            ("bin_x", .int(Int64(pre.binX))), ("bin_y", .int(Int64(pre.binY))), ("bin_t", .int(Int64(pre.binT))),
            ("clip_low", .string(clip(pre.clipLow))), ("clip_high", .string(clip(pre.clipHigh))),
            ("clip_fill", .string(pre.clipFill.map { String($0) } ?? "bound")), ("median", .int(Int64(pre.median))),
            ("tukey_alpha", .double(pre.tukeyAlpha)), ("max_drift_px", .double(o.maxDriftPx)),
            ("max_residual_px", .double(o.maxResidualNm ?? .infinity)), ("min_peak_quality", .double(o.minPeakQuality)),
            ("correlation_smoothing_bins", .double(o.correlationSmoothingBins)), ("smoothing", .double(o.smoothing)),
            ("rms_residual_px", .double(solved.rmsResidualNm)),
            ("interpolation", .string(EstimateOptions.interpolationNote)),
            ("drift_sign", .string(DriftFile.driftSign)),
        ]
        if let r = rmse, let path = o.truth {
            attributes += [("truth", .string(URL(fileURLWithPath: path).standardizedFileURL.path)),
                           ("rmse_vs_truth_x_nm", .double(r.x)), ("rmse_vs_truth_y_nm", .double(r.y)), ("rmse_vs_truth_z_nm", .double(r.z))]
        }
        try writeResult(part, attributes: attributes, timer: &timer, progress: progress)
        let range = solved.drift.reduce(SIMD3<Double>.zero) { pointwiseMax($0, pointwiseMax($1, -$1)) }
        let usage = RankUsage.gather(pairs: correlation.pairs.count, communicator: comm)
        return EstimateSummary(segments: segments, pairs: pairTotal, usedPairs: usedPairs, rows: t, dims: threeD ? 3 : 2,
                               timings: Self.phaseNames.map { ($0, comm.allreduce(timer.seconds($0), .max)) },
                               rmse: rmse, driftRange: range, rmsResidualNm: solved.rmsResidualNm, sparseSegments: [],
                               fftwShare: fftwShare(timer), peakMemoryMiB: comm.allreduce(Double(PeakMemory.residentMiB()), .max), ranks: usage,
                               unit: "px", voxelSizeNm: voxel)
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
