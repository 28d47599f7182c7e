import ArgumentParser
import DriftCore
import DriftIO
import DriftParallel
import Foundation

struct DriftImportPyme: DriftCommand {
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

    @OptionGroup
    var file: DriftOutput<Help>

    enum Help: DriftOutputHelp { static let output = "Result file to write (HDF5)." }

    @Option(help: "Evaluate the drift at frames 0..<N instead of from the first to the last tIndex.")
    var frames: Int?

    func validate() throws {
        if let n = frames { guard n >= 1 else { throw ValidationError("--frames must be at least 1") } }
    }

    func run(on comm: Communicator) throws {
        let output = file.output
        try file.write(inputs: [input], on: comm) {
            let r = try PymeDriftFile.result(path: input, frames: frames)
            try DriftFile.write(r, to: output)
            return "imported \(r.segmentCentreFrame.count) drift points, drift at frames \(r.frames.first!)-\(r.frames.last!): \(output)"
        }
    }
}
