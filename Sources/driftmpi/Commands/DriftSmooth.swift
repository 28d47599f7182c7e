import ArgumentParser
import DriftCore
import DriftIO
import DriftParallel
import Foundation

struct DriftSmooth: DriftCommand {
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

    @OptionGroup
    var file: DriftOutput<Help>

    enum Help: DriftOutputHelp { static let output = "Smoothed result file to write (HDF5)." }

    @Option(help: "Smoothing (dimensionless, >= 0; 0 interpolates).")
    var smoothing: Double

    @Option(help: "3: cubic smoothing spline; 1: straight lines through its values at the segment centres.")
    var order = Typed<SmoothingOrder>("3")

    /// `--order`.
    var smoothingOrder: SmoothingOrder { get throws { try order.value(or: "--order must be 3 (cubic) or 1 (linear)") } }

    func validate() throws {
        guard smoothing >= 0, smoothing.isFinite else { throw ValidationError("--smoothing must be 0 or positive") }
        _ = try smoothingOrder
    }

    func run(on comm: Communicator) throws {
        let output = file.output, order = try smoothingOrder
        try file.write(inputs: [input], on: comm) {
            let source = try DriftResult.read(path: input)
            let r = try DriftSmoothing.smoothed(source, path: input, smoothing: smoothing, order: order)
            try DriftFile.write(r, to: output)
            return "smoothed the drift through \(source.segmentCentreFrame.count) segments (smoothing \(smoothing), order \(order.rawValue)) at \(r.frames.count) frames: \(output)"
        }
    }
}
