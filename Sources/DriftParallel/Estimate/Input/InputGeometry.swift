import Foundation
import DriftCore
import DriftIO

/// The frames and field of an input, as the engine sees them.
struct InputGeometry {
    /// First and last frame of the acquisition, in the input's own numbering.
    var firstFrame: Int
    var lastFrame: Int
    /// Where the field starts, nm (subtracted from every coordinate read) and its size, nm.
    var origin: SIMD2<Double>
    var field: SIMD2<Double>

    var frameCount: Int { lastFrame - firstFrame + 1 }
    /// The most frames, and the widest field (nm), an input may span when the file records neither.
    static let maxFrames = 100_000_000
    static let maxFieldNm = 1e8

    /// `locs` with the origin subtracted, so that the field starts at (0, 0).
    func shifted(_ locs: Localisations) -> Localisations {
        guard origin != .zero else { return locs }
        var out = locs
        let ox = Float(origin.x), oy = Float(origin.y)
        for k in out.x.indices {
            out.x[k] -= ox
            out.y[k] -= oy
        }
        return out
    }

    /// Frames from the file's record (Picasso's frame count, from its first frame number) or from the
    /// first to the last localisation's frame (from the frame base, when no frame comes earlier); the
    /// field from the file's record (the camera) or the localisations' extent plus 1 nm, which each
    /// rank measures on its block of rows and all reduce.
    static func measure(file: LocalisationTable, frameBlock: [Int64], communicator comm: Communicator) throws -> InputGeometry {
        guard file.rowCount > 0 else { throw CollectiveFailure(message: "\(file.path): no localisations", rank: 0) }
        var first = file.frameBase, last: Int
        if let n = file.declaredFrameCount {
            last = first + n - 1
        } else {
            let lo = comm.allreduce(frameBlock.first ?? Int64.max, .min)
            last = Int(comm.allreduce(frameBlock.last ?? Int64.min, .max))
            first = min(first, Int(lo))
            // A frame number far beyond any acquisition (e.g. 2^32 - 1) would make billions of frames.
            guard last - first < Self.maxFrames else {
                throw CollectiveFailure(message: "\(file.path): its frames run from \(first) to \(last), more than \(Self.maxFrames) frames; a frame number far beyond the acquisition? Remove those rows", rank: 0)
            }
        }
        if let f = file.declaredFieldNm {
            return InputGeometry(firstFrame: first, lastFrame: last, origin: .zero, field: f)
        }
        let n = file.rowCount
        let block = try comm.collectively {
            try file.read(rows: (comm.rank * n / comm.size)..<((comm.rank + 1) * n / comm.size), threeD: false)
        }
        let lo = SIMD2(comm.allreduce(Double(block.x.min() ?? .infinity), .min), comm.allreduce(Double(block.y.min() ?? .infinity), .min))
        let hi = SIMD2(comm.allreduce(Double(block.x.max() ?? -.infinity), .max), comm.allreduce(Double(block.y.max() ?? -.infinity), .max))
        // A coordinate far outside any camera field (e.g. 1e30) would make the field that wide.
        let span = hi - lo
        guard span.x.isFinite, span.y.isFinite, max(span.x, span.y) < Self.maxFieldNm else {
            let axis = span.x >= span.y ? "x" : "y"
            throw CollectiveFailure(message: "\(file.path): its localisations span \(String(format: "%.3g", max(span.x, span.y))) nm in \(axis), more than \(String(format: "%.0f", Self.maxFieldNm / 1e6)) mm; a coordinate far outside the field? Remove those rows", rank: 0)
        }
        let origin = (lo - 1).rounded(.down)
        return InputGeometry(firstFrame: first, lastFrame: last, origin: origin, field: (hi + 1).rounded(.up) - origin)
    }
}
