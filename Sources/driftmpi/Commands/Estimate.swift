import ArgumentParser
import DriftCore
import DriftIO
import DriftParallel
import Foundation

struct Estimate: DriftCommand {
    static let configuration = CommandConfiguration(
        abstract: "Estimate drift from localisations (Picasso, PYME, ThunderSTORM or CSV; refined to about 1 nm) or from image stacks (PYME, TIFF) by cross-correlation (RCC, MCC or DCC), 2D or 3D.",
        discussion: """
        Cuts the localisations into time segments (by default of equal localisation counts chosen from \
        the data; or --segment-frames, --segment-step or --segment-locs), \
        renders each as a histogram (--bin-nm; 3D with z when the input has it), correlates segments \
        (--method: rcc pairs each with the next --window ones, mcc each with the sum of the others, dcc \
        each with the next), fits each peak to sub-bin precision, and solves the weighted least-squares \
        system for the drift of every segment, dropping pairs whose residual exceeds --max-residual-nm \
        while every segment stays linked. A cubic spline through the segment centres gives the drift at \
        every frame. Refinement (on unless --no-refine) then aligns short segments of at least --refine-locs \
        localisations to all the other data, smooths their estimates as much as the data call for \
        (generalised cross-validation; --refine-smoothing) and repeats until the curve moves by less \
        than 0.2 nm. With --fiducials auto (or a regions file), fiducial beads give the drift in the \
        frames where they are seen (/drift/source says where). Then (unless \
        --no-accuracy or --no-refine) the localisations are split into two independent halves by molecule \
        (by the 64 nm cell of each corrected position), each half is refined from the final drift in at most \
        --accuracy-passes (default 1) passes, and the RMS of half their difference (after removing its mean) is reported \
        as the expected error per axis (expected_error_{x,y,z}_nm; not estimated for image stacks). It measures \
        the error from localisation noise; drift faster than the short segments resolve is missed by both \
        halves alike (see docs/algorithm.md).

        Image stacks (PYME .h5 with /ImageData, or TIFF) are recognised by their contents: each segment is --bin-t time points, cleaned (--clip-low/--clip-high, --median), binned (--bin-x, --bin-y), windowed and correlated (3D for z-stacks), each peak refined on the continuous correlation; the drift is given in pixels at every time point, and in nm when the stack records its voxel size. With windowed pairs (rcc with a --window, dcc) each rank streams its own time points and holds only the spectra its window needs, so memory does not grow with the stack's length. Refinement and the localisation options do not apply.

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
    var method = Typed<CorrelationMethod>(CorrelationOptions().method.rawValue)

    @OptionGroup
    var segmentation: SegmentationArguments

    @Option(help: "auto: find fiducial beads (localised at one place in most frames), track them, leave out those that move on their own, and use their precision-weighted mean track (smoothed as the data allow) in the frames where they are present; the correlation estimate in the others (stored per frame in /drift/source). FILE: track the beads in these regions instead of looking for them: a Picasso pick file (.yaml: Centers and Diameter in camera pixels) or a CSV of x, y, radius in nm.")
    var fiducials = Typed<FiducialMode>(FiducialMode.none.text)

    @Option(name: .customLong("write-corrected"),
            help: "Also write the localisations with the drift removed to this file, in the input's format (every column kept; see 'driftmpi apply'). Each rank writes its own rows.")
    var writeCorrected: String?

    @Option(name: .customLong("max-render-mb"),
            help: "Renders larger than this (MiB, one segment's histogram) are transformed by all ranks together, each holding a slab of rows (FFTW MPI; 2D RCC or DCC).")
    var maxRenderMB: Double = CorrelationOptions().maxRenderMB ?? .infinity

    @OptionGroup
    var rendering: RenderingArguments

    @Option(help: "Correlate each segment with the next K segments, or 'all' for every pair.")
    var window = Typed<PairWindow>(CorrelationOptions().window.text)

    @Option(name: .customLong("max-drift-nm"), help: "Largest drift between two segments that is searched for, nm.")
    var maxDriftNm: Double = CorrelationOptions().maxDriftNm

    @Option(name: .customLong("max-residual-nm"), help: "Drop pairs whose residual exceeds this, worst first, while every segment stays connected, nm (0 = keep all).")
    var maxResidualNm: Double = SolveOptions().maxResidualNm

    @Option(name: .customLong("min-segment-locs"), help: "Segments with fewer localisations are not correlated (reported by frame range).")
    var minSegmentLocs: Int = SegmentationOptions().minLocalisations

    @Option(help: "Smoothing of the spline through the segment drifts: 0 interpolates; larger values average over about smoothing^(1/4) segments.")
    var smoothing: Double = SolveOptions().smoothing

    @Option(help: "Tukey window parameter for the field edges (0 = none, 1 = Hann; default 0.1 for localisations, 0.25 for image stacks).")
    var tukey: Double?

    @Option(help: "A true drift (frame,dx_nm,dy_nm,dz_nm CSV, as 'simulate' writes): report the RMSE against it.")
    var truth: String?

    @OptionGroup
    var refinement: RefinementArguments

    @Flag(help: "Print the time of each phase (maximum over ranks).")
    var timings = false

    @OptionGroup(title: "Progress and summary")
    var reporting: RunReporting

    @Flag(help: "Also plot the drift beside the result: RESULT.svg and RESULT.png (see 'driftmpi plot').")
    var plot = false

    @OptionGroup(title: "Outputs")
    var overwrite: OverwritePolicy

    func validate() throws {
        _ = try options
    }

    /// The SVG and PNG that --plot writes beside the result.
    var plotPaths: [String] {
        let stem = (output as NSString).deletingPathExtension
        return [stem + ".svg", stem + ".png"]
    }

    /// The estimate's options, built from the option groups and checked.
    var options: EstimateOptions {
        get throws {
            var o = EstimateOptions(input: input, output: output)
            o.correlation.window = try window.value(or: "--window must be a whole number >= 1 or 'all'")
            o.segmentation = segmentation.options(minLocalisations: minSegmentLocs)
            o.correlation.method = try method.value(or: "--method must be rcc, mcc or dcc")
            o.fiducials = try fiducials.value(or: "--fiducials must be none, auto, or a regions file ending in .yaml, .yml or .csv")
            o.rendering = try rendering.options(tukeyAlpha: tukey)
            o.correlation.maxDriftNm = maxDriftNm
            o.correlation.maxRenderMB = maxRenderMB
            o.solve.maxResidualNm = maxResidualNm
            o.solve.smoothing = smoothing
            o.refinement = refinement.options
            o.accuracy = refinement.accuracy
            o.table = try table.options
            o.images = try imageArgs.options
            o.output.writeCorrected = writeCorrected
            o.output.truth = truth
            o.output.quiet = reporting.quiet
            o.output.logJSON = reporting.logJSON
            o.output.laterOutputs = (plot ? plotPaths : []) + (reporting.summaryPath.map { [$0] } ?? [])
            o.output.replaceOutputs = overwrite.force
            try OptionError.asValidation { try o.validate() }
            return o
        }
    }

    func run(on comm: Communicator) throws {
        let summary = try EstimatePipeline(options: try options, communicator: comm).run()
        if let path = reporting.summaryPath { try CommandSummary.write(estimate: summary, command: self, to: path, communicator: comm) }
        if plot {
            // Rank 0 draws; every rank learns whether it worked.
            try comm.collectively {
                guard comm.isRoot else { return }
                try DriftPlot.write(try DriftResult.read(path: output), resultPath: output, svgPath: plotPaths[0], pngPath: plotPaths[1])
            }
        }
        guard comm.isRoot else { return }
        EstimateReport(summary: summary, output: output, timings: timings, ranks: comm.size).print()
    }
}
