import ArgumentParser
import DriftCore
import DriftIO
import DriftParallel
import Foundation

struct Estimate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Estimate drift from localisations (Picasso, PYME, ThunderSTORM or CSV; refined to about 1 nm) or from image stacks (PYME, TIFF) by cross-correlation (RCC, MCC or DCC), 2D or 3D.",
        discussion: """
        Cuts the localisations into time segments (--segment-frames, --segment-step or --segment-locs), \
        renders each as a histogram (--bin-nm; 3D with z when the input has it), correlates segments \
        (--method: rcc pairs each with the next --window ones, mcc each with the sum of the others, dcc \
        each with the next), fits each peak to sub-bin precision, and solves the weighted least-squares \
        system for the drift of every segment, dropping pairs whose residual exceeds --max-residual-nm \
        while every segment stays linked. A cubic spline through the segment centres gives the drift at \
        every frame. Refinement (on unless --no-refine) then aligns short segments of about --refine-locs \
        localisations to all the other data and repeats until the update is below 0.2 nm.

        Image stacks (PYME .h5 with /ImageData, or TIFF) are recognised by their contents: each segment is --bin-t time points, cleaned (--clip-low/--clip-high, --median), binned (--bin-x, --bin-y), windowed and correlated (3D for z-stacks), each peak refined on the continuous correlation; the drift is given in pixels at every time point, and in nm when the stack records its voxel size. Refinement and the localisation options do not apply.

        Under mpirun each rank reads, renders and correlates its own range of segments (balanced by their \
        localisations and pairs), and partners' spectra travel between ranks; the result is the same at \
        any rank count. The result file (HDF5) holds /drift/frame and /drift/xyz (nm; corrected = raw - \
        drift), /segments (with uncertainties), /pairs, /refinement and every parameter as attributes; it \
        appears only once complete. See docs/formats.md.

        Examples:
          driftmpi estimate demo.hdf5 -o drift.h5 --truth demo_truth.csv
          mpirun -n 8 driftmpi estimate big.hdf5 -o drift.h5 --method mcc --timings
          driftmpi estimate locs3d.hdf5 -o drift.h5 --dims 2 --no-refine
          mpirun -n 4 driftmpi estimate locs.hdf5 -o drift.h5 --write-corrected locs_undrift.hdf5
          driftmpi estimate thunderstorm.csv -o drift.h5
          mpirun -n 8 driftmpi estimate movie.tif -o drift.h5 --bin-t 10 --median 3
          driftmpi estimate locs.csv -o drift.h5 --columns x=xpos,y=ypos,frame=t --units px --pixel-size-nm 108
        """
    )

    @Argument(help: "Localisation file (Picasso .hdf5 with its .yaml, PYME .h5r or .hdf, ThunderSTORM .csv, or a CSV with a header: see --columns; rows in any order) or image stack (PYME .h5, .tif).")
    var input: String

    @OptionGroup(title: "Input tables")
    var table: TableArguments

    @OptionGroup(title: "Image stacks")
    var imageArgs: ImageArguments

    @Option(name: .shortAndLong, help: "Result file to write (HDF5).")
    var output: String

    @Option(help: "rcc: each segment with the next --window ones (or all); mcc: each with the sum of all others; dcc: each with the next one.")
    var method: String = "rcc"

    @Option(name: .customLong("segment-frames"), help: "Frames per time segment.")
    var segmentFrames: Int = 1000

    @Option(name: .customLong("segment-step"), help: "Frames between segment starts (default: --segment-frames; smaller values give overlapping windows, with --method rcc and --window 2 or more).")
    var segmentStep: Int?

    @Option(name: .customLong("segment-locs"), help: "Segments of this many localisations each instead of a fixed frame count (for data whose density falls).")
    var segmentLocs: Int?

    @Option(name: .customLong("write-corrected"),
            help: "Also write the localisations with the drift removed to this file, in the input's format (every column kept; see 'driftmpi apply'). Each rank writes its own rows.")
    var writeCorrected: String?

    @Option(name: .customLong("max-render-mb"),
            help: "Renders larger than this (MiB, one segment's histogram) are transformed by all ranks together, each holding a slab of rows (FFTW MPI; 2D RCC or DCC).")
    var maxRenderMB: Double = 2048

    @Option(help: "2 or 3 (default: 3 when the input has a z column). 2 flattens z.")
    var dims: Int?

    @Option(name: .customLong("bin-z-nm"), help: "Histogram bin size in z, nm (3D).")
    var binZNm: Double = 50

    @Option(name: .customLong("bin-nm"), help: "Histogram bin size, nm (default: 60, larger for fields over 45 um so that the field spans at most 750 bins).")
    var binNm: Double?

    @Option(help: "Correlate each segment with the next K segments, or 'all' for every pair.")
    var window: String = "5"

    @Option(name: .customLong("max-drift-nm"), help: "Largest drift between two segments that is searched for, nm.")
    var maxDriftNm: Double = 1000

    @Option(name: .customLong("max-residual-nm"), help: "Drop pairs whose residual exceeds this, worst first, while every segment stays connected, nm (0 = keep all).")
    var maxResidualNm: Double = 10

    @Option(name: .customLong("min-segment-locs"), help: "Segments with fewer localisations are not correlated (reported by frame range).")
    var minSegmentLocs: Int = 50

    @Option(help: "Smoothing of the spline through the segment drifts: 0 interpolates; larger values average over about smoothing^(1/4) segments.")
    var smoothing: Double = 0

    @Option(help: "Tukey window parameter for the field edges (0 = none, 1 = Hann; default 0.1 for localisations, 0.25 for image stacks).")
    var tukey: Double?

    @Option(help: "A true drift (frame,dx_nm,dy_nm,dz_nm CSV, as 'simulate' writes): report the RMSE against it.")
    var truth: String?

    @Flag(name: .customLong("no-refine"), help: "Skip the refinement pass (coarse RCC only).")
    var noRefine = false

    @Option(name: .customLong("refine-locs"), help: "Refinement: localisations per short segment (at least; sets its time resolution).")
    var refineLocs: Int = 1000

    @Option(name: .customLong("refine-sigma-nm"), help: "Refinement: width of the final alignment kernel, nm (about the localisation precision).")
    var refineSigmaNm: Double = 8

    @Flag(help: "Print the time of each phase (maximum over ranks).")
    var timings = false

    @OptionGroup(title: "Progress and summary")
    var reporting: RunReporting

    @Flag(help: "Also plot the drift beside the result: RESULT.svg and RESULT.png (see 'driftmpi plot').")
    var plot = false

    @OptionGroup(title: "Outputs")
    var overwrite: OverwritePolicy

    func validate() throws {
        guard window == "all" || (Int(window).map { $0 >= 1 } ?? false) else {
            throw ValidationError("--window must be a whole number >= 1 or 'all'")
        }
        guard segmentFrames >= 1 else { throw ValidationError("--segment-frames must be at least 1") }
        guard CorrelationMethod(rawValue: method) != nil else { throw ValidationError("--method must be rcc, mcc or dcc") }
        if let step = segmentStep {
            guard step >= 1, step <= segmentFrames else { throw ValidationError("--segment-step must be between 1 and --segment-frames") }
            guard step == segmentFrames || (method == "rcc" && window != "1") else {
                throw ValidationError("overlapping segments (--segment-step below --segment-frames) need --method rcc with --window 2 or more, so that the pairs link every segment")
            }
            guard method != "mcc" || step >= segmentFrames else {
                throw ValidationError("overlapping segments (--segment-step below --segment-frames) work with rcc and dcc, not mcc")
            }
        }
        if let n = segmentLocs { guard n >= 10 else { throw ValidationError("--segment-locs must be at least 10") } }
        if let d = dims { guard d == 2 || d == 3 else { throw ValidationError("--dims must be 2 or 3") } }
        guard binZNm > 0, binZNm.isFinite else { throw ValidationError("--bin-z-nm must be positive") }
        guard maxResidualNm >= 0, maxResidualNm.isFinite else { throw ValidationError("--max-residual-nm must be 0 or positive") }
        guard minSegmentLocs >= 1 else { throw ValidationError("--min-segment-locs must be at least 1") }
        guard smoothing >= 0, smoothing.isFinite else { throw ValidationError("--smoothing must be 0 or positive") }
        if let b = binNm { guard b > 0, b.isFinite else { throw ValidationError("--bin-nm must be positive") } }
        guard maxRenderMB > 0, maxRenderMB.isFinite else { throw ValidationError("--max-render-mb must be positive") }
        guard maxDriftNm > 0, maxDriftNm.isFinite else { throw ValidationError("--max-drift-nm must be positive") }
        if let t = tukey { guard t >= 0, t <= 1 else { throw ValidationError("--tukey must be between 0 and 1") } }
        guard refineLocs >= 10 else { throw ValidationError("--refine-locs must be at least 10") }
        guard refineSigmaNm >= 2, refineSigmaNm <= 200 else { throw ValidationError("--refine-sigma-nm must be between 2 and 200") }
    }

    /// The SVG and PNG that --plot writes beside the result.
    var plotPaths: [String] {
        let stem = (output as NSString).deletingPathExtension
        return [stem + ".svg", stem + ".png"]
    }

    func run() throws {
        let comm = CommandRunner.communicator!
        var o = EstimateOptions(input: input, output: output)
        o.table = table.options
        o.method = CorrelationMethod(rawValue: method)!
        o.segmentFrames = segmentFrames
        o.segmentStep = segmentStep
        o.segmentLocalisations = segmentLocs
        o.dims = dims
        o.binZNm = binZNm
        o.maxResidualNm = maxResidualNm > 0 ? maxResidualNm : nil
        o.minSegmentLocalisations = minSegmentLocs
        o.smoothing = smoothing
        o.refinement.smoothing = smoothing
        o.binNm = binNm ?? 60
        o.autoBin = binNm == nil
        o.window = window == "all" ? nil : Int(window)
        o.maxDriftNm = maxDriftNm
        o.tukeyAlpha = tukey ?? 0.1
        o.image = imageArgs.preprocessing(tukey: tukey)
        o.maxDriftPx = imageArgs.maxDriftPx
        o.maxResidualPx = imageArgs.maxResidualPx > 0 ? imageArgs.maxResidualPx : nil
        o.truth = truth
        o.refine = !noRefine
        o.refinement.minLocalisations = refineLocs
        o.refinement.sigmasNm = [2 * refineSigmaNm, refineSigmaNm]
        o.quiet = reporting.quiet
        o.logJSON = reporting.logJSON
        o.writeCorrected = writeCorrected
        o.laterOutputs = (plot ? plotPaths : []) + (reporting.summaryPath.map { [$0] } ?? [])
        o.replaceOutputs = overwrite.force
        o.maxRenderMB = maxRenderMB
        var pipeline = EstimatePipeline(options: o, communicator: comm)
        let summary = try pipeline.run()
        if let path = reporting.summaryPath { try CommandSummary.write(estimate: summary, command: self, to: path) }
        if plot {
            // Rank 0 draws; every rank learns whether it worked.
            try comm.collectively {
                guard comm.isRoot else { return }
                try DriftPlot.write(try DriftResult.read(path: output), resultPath: output, svgPath: plotPaths[0], pngPath: plotPaths[1])
            }
        }
        guard comm.isRoot else { return }
        let r = summary.driftRange
        if summary.unit == "px" {
            print(String(format: "%d time points, %dD, %d segments, %d of %d pairs used (RMS residual %.3f px); largest segment drift x %.2f, y %.2f, z %.2f px",
                         summary.rows, summary.dims, summary.segments, summary.usedPairs, summary.pairs, summary.rmsResidualNm, r.x, r.y, r.z)
                  + (summary.voxelSizeNm.map { String(format: " (voxel %.1f x %.1f x %.1f nm)", $0.x, $0.y, $0.z) } ?? " (no voxel size: pixels only)"))
        } else {
            print(String(format: "%d localisations, %dD, %d segments, %d of %d pairs used (RMS residual %.2f nm); largest segment drift x %.1f, y %.1f, z %.1f nm",
                         summary.rows, summary.dims, summary.segments, summary.usedPairs, summary.pairs, summary.rmsResidualNm, r.x, r.y, r.z))
        }
        if !summary.sparseSegments.isEmpty {
            print("segments too sparse to correlate (frames): " + summary.sparseSegments.prefix(10).map { "\($0.lowerBound)-\($0.upperBound)" }.joined(separator: ", ")
                  + (summary.sparseSegments.count > 10 ? ", ..." : ""))
        }
        if let e = summary.rmse {
            let z = summary.dims == 3 ? String(format: ", z %.2f nm", e.z) : ""
            var line = String(format: "RMSE against the truth: x %.2f nm, y %.2f nm", e.x, e.y) + z
            if let v = summary.voxelSizeNm { line += String(format: " = x %.4f px, y %.4f px", e.x / v.x, e.y / v.y) }
            print(line + " (after removing a constant offset)")
        }
        if timings {
            print("phase          seconds (max over \(comm.size) ranks)")
            for (name, seconds) in summary.timings {
                print(name.padding(toLength: 14, withPad: " ", startingAt: 0) + String(format: " %8.3f", seconds))
            }
            print(String(format: "inside FFTW: %.0f %% of the forward transforms, correlations and peak fits", 100 * summary.fftwShare))
            print(String(format: "peak resident memory: %.0f MiB (largest rank)", summary.peakMemoryMiB))
            print("rank  pairs  MiB sent  CPU s  peak MiB")
            for (r, u) in summary.ranks.enumerated() {
                print(String(format: "%4d %6d %9.1f %6.2f %9.0f", r, u.pairs, Double(u.bytesSent) / 1048576, u.cpuSeconds, u.peakMiB))
            }
        }
        print("result: \(output)")
    }
}
