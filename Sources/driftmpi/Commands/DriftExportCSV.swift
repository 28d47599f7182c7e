import ArgumentParser
import DriftCore
import DriftIO
import DriftParallel
import Foundation

struct DriftExportCSV: DriftCommand {
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

    @OptionGroup
    var file: DriftOutput<Help>

    enum Help: DriftOutputHelp { static let output = "CSV file to write." }

    func run(on comm: Communicator) throws {
        let output = file.output
        try file.write(inputs: [input], on: comm) {
            let r = try DriftResult.read(path: input)
            try DriftFile.writeCSV(r, to: output)
            return "wrote the drift at \(r.frames.count) frames to \(output)"
        }
    }
}
