import ArgumentParser
import DriftIO
import DriftParallel
import Foundation

struct Inspect: DriftCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print what a result file holds: input, provenance, parameters, drift range, residuals, timings and per-rank usage.",
        discussion: """
        Reads a result of 'driftmpi estimate' (localisations in nm, image stacks in px) or a file made by \
        'driftmpi drift' and prints: the input (path, format, rows or time points, frames), provenance \
        (driftmpi version, creation time, command, ranks), every parameter attribute in groups, the \
        range of /drift/xyz per axis (and of /drift/xyz_nm), segments, pairs used and dropped, the RMS \
        pair residual, the refinement, the RMSE against a truth when one was given, the time of each \
        phase and each rank's pairs, MiB and messages sent, CPU time (and in MPI calls) and peak memory. What a file does not record is \
        left out. --json prints the same as one JSON object (sorted keys; numbers as numbers, null for \
        unknown or unlimited values; see docs/formats.md, "Inspect and summaries"). Under mpirun rank 0 \
        reads and prints.

        Examples:
          driftmpi inspect drift.h5
          driftmpi inspect drift.h5 --json
        """
    )

    @Argument(help: "Result file (HDF5) written by estimate or by driftmpi drift.")
    var file: String

    @Flag(help: "Print the report as one JSON object.")
    var json = false

    func run(on comm: Communicator) throws {
        try Drift.onRoot(comm) {
            let report = try ResultReport.read(path: file)
            return json ? report.json.text : report.text
        }
    }
}
