import DriftCore
import DriftIO
import Foundation

extension ApplyPipeline {
    /// Removes a drift from an image stack: each rank moves its own time points back by the drift
    /// (Fourier shift with zero padding, `FourierShifter`) and all write one stack in order: a PYME
    /// image file (`.h5`, collective HDF5 writes) or a TIFF (`.tif`, ranks appending their pages in
    /// rank order). Integer samples are rounded and clipped to the input's type unless `floatOutput`.
    func runImages() throws -> ApplySummary {
        let comm = communicator, o = options
        let progress = Progress(communicator: comm, quiet: o.quiet, json: o.logJSON)
        let stack = try comm.collectively { try ImageStacks.open(o.input, access: comm.fileAccess) }
        let curve = try comm.collectively { try DriftCurve.read(path: o.drift, pixelsOf: (stack.voxelSizeNm, o.input)) }
        let ext = (o.output as NSString).pathExtension.lowercased()
        let toTIFF = ext == "tif" || ext == "tiff"
        guard toTIFF || ["h5", "hdf5"].contains(ext) else {
            throw CollectiveFailure(message: "\(o.output): a corrected stack is written as .h5 (PYME) or .tif (TIFF)", rank: 0)
        }
        let t = stack.timePoints, depth = stack.depth
        let outType: ImageSampleType = o.floatOutput ? .float32 : stack.sampleType
        let moveZ = depth > 1 && curve.isThreeD
        progress.say("moving \(t) time points of \(stack.width) x \(stack.height)\(depth > 1 ? " x \(depth)" : "") px back by the drift in \(o.drift) (padding x\(o.pad), \(outType.rawValue) out)")
        var outside = false
        let own = (comm.rank * t / comm.size)..<((comm.rank + 1) * t / comm.size)
        // A stack's time points count from 0.
        let drift: [SIMD3<Double>] = try comm.collectively {
            try self.drift(curve, at: Array(own), inputBase: 0, what: "time point", outside: &outside)
        }
        let shifter = FourierShifter(width: stack.width, height: stack.height, depth: depth, pad: o.pad)
        let range = outType.range
        func corrected(_ k: Int, _ volume: [Float]) -> [Float] {
            let d = drift[k]
            var out = shifter.shifted(volume, by: SIMD3(-d.x, -d.y, moveZ ? -d.z : 0))
            if let r = range {
                let lo = Float(r.lowerBound), hi = Float(r.upperBound)
                for i in out.indices { out[i] = min(max(out[i].rounded(), lo), hi) }
            }
            return out
        }
        let provenance: [(String, String)] = [
            ("driftmpi_generated_by", "driftmpi \(DriftmpiVersion.string) apply"),
            ("driftmpi_drift_file", DriftFile.absolutePath(o.drift)),
            ("driftmpi_source", DriftFile.absolutePath(o.input)),
            ("driftmpi_pad", String(o.pad)), ("driftmpi_sample_type", outType.rawValue),
            ("driftmpi_drift_sign", "corrected = raw moved by -drift (Fourier shift)"),
        ]
        // Batches of time points, the same number on every rank (collective writes).
        let batch = 32
        let batches = Int(comm.allreduce(Int64((own.count + batch - 1) / batch), .max))
        let moving = progress.phase("shift time points", total: own.count)
        try CollectiveOutput(communicator: comm, path: o.output).write { tmp in
            if toTIFF {
                // Ranks append their pages in turn; the first creates the file with the whole stack's layout.
                for r in 0..<comm.size {
                    if r == comm.rank && (r == 0 || !own.isEmpty) {
                        let writer = try TIFFStackWriter(path: tmp, width: stack.width, height: stack.height, depth: depth,
                                                         timePoints: t, sampleType: outType, voxelSizeNm: stack.voxelSizeNm,
                                                         append: r > 0)
                        for b in 0..<batches {
                            let part = (own.lowerBound + b * batch)..<min(own.lowerBound + (b + 1) * batch, own.upperBound)
                            guard !part.isEmpty else { continue }
                            let raw = try stack.read(timePoints: part)
                            let n = stack.voxelsPerTimePoint
                            for (i, tp) in part.enumerated() {
                                try writer.append(timePoint: corrected(tp - own.lowerBound, Array(raw[(i * n)..<((i + 1) * n)])))
                                moving.advance()
                            }
                        }
                        try writer.close()
                    }
                    comm.barrier()
                }
            } else {
                if comm.isRoot {
                    try PYMEImageWriter.createEmpty(tmp, width: stack.width, height: stack.height, depth: depth, timePoints: t,
                                                    sampleType: outType, voxelSizeNm: stack.voxelSizeNm, attributes: provenance)
                }
                comm.barrier()
                let file = try PYMEImageWriter.openForWriting(tmp, access: comm.fileAccess)
                for b in 0..<batches {
                    let part = (own.lowerBound + b * batch)..<max(own.lowerBound + b * batch, min(own.lowerBound + (b + 1) * batch, own.upperBound))
                    let raw = part.isEmpty ? [] : try stack.read(timePoints: part)
                    let n = stack.voxelsPerTimePoint
                    let volumes = part.enumerated().map { i, tp in corrected(tp - own.lowerBound, Array(raw[(i * n)..<((i + 1) * n)])) }
                    moving.advance(volumes.count)
                    try file.write(timePoints: volumes, from: part.lowerBound)
                }
                try file.close()
            }
        }
        moving.finish()
        progress.say("wrote \(o.output)")
        return ApplySummary(rows: t, format: stack.formatName, correctedZ: moveZ, held: comm.allreduce(outside ? 1 : 0, .max) > 0,
                            isImageStack: true)
    }
}
