import ArgumentParser
import DriftCore
import DriftIO
import DriftParallel
import Foundation

struct DriftCombine: DriftCommand {
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

    @OptionGroup
    var file: DriftOutput<Help>

    enum Help: DriftOutputHelp { static let output = "Combined result file to write (HDF5)." }

    func validate() throws {
        guard inputs.count >= 2 else { throw ValidationError("give at least two result files to combine") }
    }

    func run(on comm: Communicator) throws {
        let output = file.output
        try file.write(inputs: inputs, on: comm) {
            let sources = try inputs.map { (path: $0, result: try DriftResult.read(path: $0)) }
            let r = try DriftCombination.combine(sources)
            try DriftFile.write(r, to: output)
            return "combined \(inputs.count) drift curves on \(r.frames.count) frames: \(output)"
        }
    }
}
