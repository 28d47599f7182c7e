import DriftCore
import DriftIO
import Foundation

/// Subtracts a drift curve from every localisation of a table: every rank reads the (small) drift
/// file, corrects an equal share of the table's rows in order, and all write one output in the
/// input's format together (`CorrectedOutput`).
public struct ApplyPipeline {
    public let options: ApplyOptions
    public let communicator: Communicator

    public init(options: ApplyOptions, communicator: Communicator) {
        self.options = options
        self.communicator = communicator
    }

    public func run() throws -> ApplySummary {
        let comm = communicator, o = options
        let progress = Progress(communicator: comm, quiet: o.quiet, json: o.logJSON)
        try comm.collectively {
            for path in [o.drift, o.input] where !FileManager.default.fileExists(atPath: path) { throw FileFormatError(path, "no such file") }
            guard comm.isRoot else { return }   // the output check creates a probe file: once is enough
            try OutputPaths.check(OutputPaths.correctedFiles(o.output, input: o.input) + o.laterOutputs,
                                  inputs: OutputPaths.inputFiles(o.input) + [o.drift], replacing: o.replaceOutputs)
        }
        if ImageStacks.isImageStack(o.input) { return try runImages() }
        let curve = try comm.collectively { try DriftCurve.read(path: o.drift) }
        let table = try comm.collectively {
            try LocalisationTables.open(o.input, options: o.table, access: comm.fileAccess)
        }
        progress.say("correcting \(table.rowCount) localisations (\(table.format.rawValue)) with \(o.drift): frames \(curve.firstFrame)-\(curve.lastFrame)")
        let n = table.rowCount
        let rows = (comm.rank * n / comm.size)..<((comm.rank + 1) * n / comm.size)
        let correctZ = table.hasZ && curve.isThreeD
        var outside = false
        let drift: ([Int]) throws -> [SIMD3<Double>] = { frames in
            try self.drift(curve, at: frames, inputBase: table.frameBase, what: "frame", outside: &outside)
        }
        try CorrectedOutput(communicator: comm).write(table, rows: rows, correctZ: correctZ, drift: drift, to: o.output,
                                                      command: "apply", driftFile: o.drift,
                                                      provenance: [("Drift extrapolation", o.holdOutside ? "hold" : "none")])
        progress.say("wrote \(o.output)")
        return ApplySummary(rows: n, format: table.format.rawValue, correctedZ: correctZ,
                            held: comm.allreduce(outside ? 1 : 0, .max) > 0)
    }

    /// The drift of `curve` at `frames` of the input, which numbers them from `inputBase` (the curve
    /// from its own frame base, so both count from their own first frame). A frame outside the curve
    /// is an error naming it (`what`: "frame" or "time point") unless `holdOutside`, when it takes
    /// the curve's first or last value and sets `outside`.
    func drift(_ curve: DriftCurve, at frames: [Int], inputBase: Int, what: String, outside: inout Bool) throws -> [SIMD3<Double>] {
        let o = options, shift = curve.frameBase - inputBase
        let numbering = what == "frame" ? "this file's" : "this stack's"
        return try curve.drift(at: frames.map { $0 + shift }, hold: o.holdOutside, outside: &outside) { frame in
            FileFormatError(o.input, "\(what) \(frame - shift) lies outside the drift in \(o.drift) (frames \(curve.firstFrame - shift)-\(curve.lastFrame - shift) in \(numbering) numbering); use --extrapolate hold to hold its first and last values")
        }
    }
}
