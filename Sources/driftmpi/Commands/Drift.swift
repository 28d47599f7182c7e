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
    static func onRoot(_ comm: Communicator, _ body: () throws -> String) throws {
        let line: String = try comm.collectively {
            guard comm.isRoot else { return "" }
            return try body()
        }
        if comm.isRoot { print(line) }
    }
}
