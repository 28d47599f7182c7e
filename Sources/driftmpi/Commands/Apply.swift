import ArgumentParser
import DriftIO
import DriftParallel
import Foundation

struct Apply: DriftCommand {
    static let configuration = CommandConfiguration(
        abstract: "Remove a drift from localisations (in the input's own format) or from an image stack.",
        discussion: """
        Subtracts the drift at each localisation's frame (x and y; z too when both the drift and the \
        table are 3D): corrected = raw - drift. The drift file is a result of 'driftmpi estimate' or a \
        file made by 'driftmpi drift'. Frames are matched in each file's own numbering from its first \
        frame (Picasso and PYME count from 0, ThunderSTORM from 1), so a drift from a Picasso file \
        corrects a ThunderSTORM table of the same acquisition.

        The output has the input's format, rows in the input's order, and every other column unchanged:
          Picasso .hdf5: a new file with the input's columns and types, and the .yaml with one more document;
          PYME .h5r/.hdf: a copy of the input with the coordinates rewritten and driftmpi_* root attributes;
          CSV: the input's header and lines, the coordinate fields rewritten (at least 3 decimals in nm).

        Image stacks (PYME .h5, TIFF) are moved back by the drift at each time point with a Fourier shift (zero padding --pad times the size), z too for z-stacks with a 3D drift, and written as -o OUT.h5 (PYME image file, collective writes) or OUT.tif (ImageJ hyperstack, ranks in turn), keeping the input's sample type (rounded and clipped) unless --float. A drift measured on images (pixels) corrects localisations through its nm values; a drift in nm corrects a stack through the stack's voxel size.

        Under mpirun each rank corrects an equal share of the rows and all write the one output \
        together. The input is never modified and the output appears whole or not at all.

        Examples:
          driftmpi apply drift.h5 locs.hdf5 -o locs_undrift.hdf5
          mpirun -n 8 driftmpi apply drift.h5 fits.h5r -o fits_undrift.h5r
          driftmpi apply drift.h5 thunderstorm.csv -o corrected.csv --extrapolate hold
          mpirun -n 4 driftmpi apply img_drift.h5 movie.tif -o movie_fixed.tif
        """
    )

    @Argument(help: "Drift file (HDF5: /drift/frame and /drift/xyz in nm).")
    var drift: String

    @Argument(help: "Localisation file (Picasso .hdf5, PYME .h5r or .hdf, ThunderSTORM .csv, or a CSV with a header) or image stack (PYME .h5, .tif).")
    var input: String

    @Option(name: .shortAndLong, help: "Corrected file to write, in the input's format.")
    var output: String

    @Option(help: "Frames outside the drift file: 'error' (default) or 'hold' its first and last drift.")
    var extrapolate = Typed<Extrapolation>("error")

    @OptionGroup(title: "Input tables")
    var table: TableArguments

    @Option(help: "Image stacks: zero padding of the Fourier shift, as a multiple of the image size (>= 1).")
    var pad: Double = ApplyOptions.defaultPad

    @Flag(name: .customLong("float"), help: "Image stacks: write float32 samples instead of the input's type.")
    var floatOutput = false

    @OptionGroup(title: "Progress and summary")
    var reporting: RunReporting

    @OptionGroup(title: "Outputs")
    var overwrite: OverwritePolicy

    func validate() throws {
        _ = try extrapolation
        guard pad >= 1, pad <= 8 else { throw ValidationError("--pad must be between 1 and 8") }
    }

    /// `--extrapolate`.
    var extrapolation: Extrapolation { get throws { try extrapolate.value(or: "--extrapolate must be error or hold") } }

    func run(on comm: Communicator) throws {
        var o = ApplyOptions(drift: drift, input: input, output: output)
        o.table = try table.options
        o.holdOutside = try extrapolation == .hold
        o.pad = pad
        o.floatOutput = floatOutput
        o.quiet = reporting.quiet
        o.logJSON = reporting.logJSON
        o.laterOutputs = reporting.summaryPath.map { [$0] } ?? []
        o.replaceOutputs = overwrite.force
        let summary = try ApplyPipeline(options: o, communicator: comm).run()
        if let path = reporting.summaryPath { try CommandSummary.write(apply: summary, command: self, to: path, communicator: comm) }
        guard comm.isRoot else { return }
        let what = summary.isImageStack ? "time points" : "localisations"
        print("\(summary.rows) \(what) (\(summary.format)) corrected in x, y\(summary.correctedZ ? " and z" : ""): \(output)"
              + (summary.held ? " (some frames lay outside the drift file and took its end values)" : ""))
    }
}
