import ArgumentParser
import DriftCore
import DriftIO
import DriftParallel
import Foundation

struct Drift: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Work with drift files: combine, smooth, import PYME's drift, export CSV.",
        discussion: """
        Each command reads whole files and writes one new file, under a temporary name renamed into \
        place when complete; every HDF5 file written records its sources and parameters as root \
        attributes (see docs/formats.md, "Drift files"). Under mpirun rank 0 does the work and the other \
        ranks wait; any error ends every rank with exit code 1.

        Examples:
          driftmpi drift combine pass1.h5 pass2.h5 -o total.h5
          driftmpi drift smooth drift.h5 -o smooth.h5 --smoothing 16
          driftmpi drift import-pyme drift.npz -o pyme.h5 --frames 30000
          driftmpi drift export-csv drift.h5 -o drift.csv
        """,
        subcommands: [DriftCombine.self, DriftSmooth.self, DriftImportPyme.self, DriftExportCSV.self]
    )

    /// Runs `body` on rank 0 only and agrees on its outcome: every rank returns, or every rank throws
    /// (rank 0's error). Rank 0 prints the returned line.
    static func onRoot(_ body: () throws -> String) throws {
        let comm = CommandRunner.communicator!
        let line: String = try comm.collectively {
            guard comm.isRoot else { return "" }
            return try body()
        }
        if comm.isRoot { print(line) }
    }
}

struct DriftCombine: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "combine",
        abstract: "Sum several drift curves (data drift-corrected in several passes) into one result file.",
        discussion: """
        The sum is taken on the union of the inputs' frames (/drift/frame). A curve holds its first value \
        before its first frame and its last value after its last frame, and is linear across a gap in its \
        own frames. Only /drift is combined: the output has empty /segments and /pairs tables. Root \
        attributes: command, sources (absolute paths, one per line), source_count, source_K and, when the \
        inputs record them, source_K_driftmpi_version, source_K_command, source_K_method; created, \
        driftmpi_version, drift_sign, combination, frames, dims and frame_base (the inputs must number \
        frames alike: equal frame_base, 0 when absent).

        Example:
          driftmpi drift combine pass1.h5 pass2.h5 pass3.h5 -o total.h5
        """
    )

    @Argument(help: "Result files (HDF5, as estimate writes them) whose drift curves are added.")
    var inputs: [String]

    @Option(name: .shortAndLong, help: "Combined result file to write (HDF5).")
    var output: String

    @OptionGroup(title: "Outputs")
    var overwrite: OverwritePolicy

    func validate() throws {
        guard inputs.count >= 2 else { throw ValidationError("give at least two result files to combine") }
    }

    func run() throws {
        try Drift.onRoot {
            try overwrite.check([output], inputs: inputs)
            let sources = try inputs.map { (path: $0, result: try DriftResult.read(path: $0)) }
            let r = try DriftCombination.combine(sources)
            try DriftFile.write(r, to: output)
            return "combined \(inputs.count) drift curves on \(r.frames.count) frames: \(output)"
        }
    }
}

struct DriftSmooth: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "smooth",
        abstract: "Replace a result's drift by a smoothing spline through its segment drifts.",
        discussion: """
        The knots are the segments with a finite drift (/segments/centre_frame, /segments/drift), \
        weighted by 1 / (sigma_x^2 + sigma_y^2 + sigma_z^2) from /segments/sigma when every knot has a \
        finite sigma (equally otherwise). --order 3 is the cubic smoothing spline estimate --smoothing \
        uses; --order 1 joins the spline's values at the segment centres with straight lines. The curve \
        is held beyond the first and last centres, evaluated at every frame of the input and shifted to 0 \
        at the first frame. The input's refinement correction (/refinement) is not used: the output's \
        /drift is the smoothed coarse curve, its /segments and /pairs are the input's, and it has no \
        /refinement. Root attributes: command, source, smoothing, order, weights, interpolation, \
        source_refinement_ignored, the source's driftmpi_version, command, method and input (prefixed \
        source_), its frame_base, first_frame and dims (unchanged), created, driftmpi_version, drift_sign.

        --smoothing is dimensionless: 0 interpolates, larger values average over about smoothing^(1/4) \
        segments (1, 16, 10000: about 1, 2, 10), very large values give the weighted least-squares line.

        Examples:
          driftmpi drift smooth drift.h5 -o smooth.h5 --smoothing 16
          driftmpi drift smooth drift.h5 -o lines.h5 --smoothing 0 --order 1
        """
    )

    @Argument(help: "Result file (HDF5) with /segments.")
    var input: String

    @Option(name: .shortAndLong, help: "Smoothed result file to write (HDF5).")
    var output: String

    @OptionGroup(title: "Outputs")
    var overwrite: OverwritePolicy

    @Option(help: "Smoothing (dimensionless, >= 0; 0 interpolates).")
    var smoothing: Double

    @Option(help: "3: cubic smoothing spline; 1: straight lines through its values at the segment centres.")
    var order: Int = 3

    func validate() throws {
        guard smoothing >= 0, smoothing.isFinite else { throw ValidationError("--smoothing must be 0 or positive") }
        guard order == 1 || order == 3 else { throw ValidationError("--order must be 3 (cubic) or 1 (linear)") }
    }

    func run() throws {
        try Drift.onRoot {
            try overwrite.check([output], inputs: [input])
            let source = try DriftResult.read(path: input)
            let r = try DriftSmoothing.smoothed(source, path: input, smoothing: smoothing, order: order)
            try DriftFile.write(r, to: output)
            return "smoothed the drift through \(source.segmentCentreFrame.count) segments (smoothing \(smoothing), order \(order)) at \(r.frames.count) frames: \(output)"
        }
    }
}

struct DriftImportPyme: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import-pyme",
        abstract: "Convert PYME's drift file (.npz with tIndex and drift) into a result file.",
        discussion: """
        PYME's drift .npz holds tIndex (N frames) and drift (N x 3, nm; N x 2 is read with z = 0). The \
        result has one segment per point (centre_frame = tIndex, drift as given, sigma NaN, count 0, frame \
        ranges split halfway between centres) and /drift at every frame from the first to the last tIndex \
        (or frames 0 to N-1 with --frames N) by the natural cubic spline through the points, held beyond \
        the ends. Values are taken as they are (corrected = raw - drift). Root attributes: command, source, \
        source_format, points, frames, frames_option, interpolation, frame_base (0), dims, created, \
        driftmpi_version, drift_sign.

        Examples:
          driftmpi drift import-pyme drift.npz -o pyme.h5
          driftmpi drift import-pyme drift.npz -o pyme.h5 --frames 30000
        """
    )

    @Argument(help: "PYME drift file (.npz).")
    var input: String

    @Option(name: .shortAndLong, help: "Result file to write (HDF5).")
    var output: String

    @OptionGroup(title: "Outputs")
    var overwrite: OverwritePolicy

    @Option(help: "Evaluate the drift at frames 0..<N instead of from the first to the last tIndex.")
    var frames: Int?

    func validate() throws {
        if let n = frames { guard n >= 1 else { throw ValidationError("--frames must be at least 1") } }
    }

    func run() throws {
        try Drift.onRoot {
            try overwrite.check([output], inputs: [input])
            let r = try PymeDriftFile.result(path: input, frames: frames)
            try DriftFile.write(r, to: output)
            return "imported \(r.segmentCentreFrame.count) drift points, drift at frames \(r.frames.first!)-\(r.frames.last!): \(output)"
        }
    }
}

struct DriftExportCSV: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export-csv",
        abstract: "Write a result's drift as CSV: frame,dx_nm,dy_nm,dz_nm, one row per frame.",
        discussion: """
        The same text as the simulator's truth CSV (4 decimals, nm), so it can be given to estimate \
        --truth. One row per frame of /drift/frame.

        Example:
          driftmpi drift export-csv drift.h5 -o drift.csv
        """
    )

    @Argument(help: "Result file (HDF5).")
    var input: String

    @Option(name: .shortAndLong, help: "CSV file to write.")
    var output: String

    @OptionGroup(title: "Outputs")
    var overwrite: OverwritePolicy

    func run() throws {
        try Drift.onRoot {
            try overwrite.check([output], inputs: [input])
            let r = try DriftResult.read(path: input)
            try DriftFile.writeCSV(r, to: output)
            return "wrote the drift at \(r.frames.count) frames to \(output)"
        }
    }
}
