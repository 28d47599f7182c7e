import ArgumentParser
import DriftIO
import DriftParallel
import Foundation

struct Plot: DriftCommand {
    static let configuration = CommandConfiguration(
        abstract: "Draw a result's drift against frame as an SVG (and a PNG).",
        discussion: """
        One panel per axis: x and y, and z when the result is 3D. Each shows the drift at every frame \
        (/drift/xyz) as a line, in the result's unit (nm; pixels, and slices for z, for image stacks, with \
        a second axis in nm when the voxel size is known), the segment estimates (/segments/drift at \
        /segments/centre_frame) as points with error bars of one sigma (/segments/sigma), the coarse drift \
        before the refinement as a faint dashed line when the result has one, and every dropped pair \
        (/pairs/used = 0) as a red tick on the frame axis at the middle of its two segments; the legend \
        counts them. The title names the input (the result's 'input' attribute) and the line under it the \
        method, segments and pairs. Long acquisitions are drawn with each pixel column's lowest and \
        highest drift, so spikes stay visible.

        The SVG is plain text, the same bytes for the same result; --png renders it with librsvg. Under \
        mpirun rank 0 does the work and the other ranks wait; any error ends every rank with exit code 1. \
        Each file appears whole or not at all.

        Examples:
          driftmpi plot drift.h5 -o drift.svg
          driftmpi plot drift.h5 -o drift.svg --png drift.png
          driftmpi plot img_drift.h5 -o img.svg --png img.png --width 1600 --height 900
        """
    )

    @Argument(help: "Result file (HDF5), as estimate or 'driftmpi drift' writes it.")
    var input: String

    @Option(name: .shortAndLong, help: "SVG file to write.")
    var output: String

    @Option(help: "Also write this PNG (the SVG rendered by librsvg).")
    var png: String?

    @OptionGroup(title: "Outputs")
    var overwrite: OverwritePolicy

    @Option(help: "Width in pixels (SVG and PNG; at least \(DriftPlot.minimumWidth)).")
    var width: Int = 1000

    @Option(help: "Height in pixels (at least \(DriftPlot.minimumHeight); default \(DriftPlot.defaultHeight(panels: 2)) for 2D, \(DriftPlot.defaultHeight(panels: 3)) for 3D).")
    var height: Int?

    func validate() throws {
        guard (DriftPlot.minimumWidth...20000).contains(width) else {
            throw ValidationError("--width must be \(DriftPlot.minimumWidth) to 20000 pixels")
        }
        if let h = height, !(DriftPlot.minimumHeight...20000).contains(h) {
            throw ValidationError("--height must be \(DriftPlot.minimumHeight) to 20000 pixels")
        }
        if output.lowercased().hasSuffix(".png") {
            throw ValidationError("-o writes an SVG; give the PNG with --png (e.g. -o drift.svg --png drift.png)")
        }
        let paths = [input, output] + (png.map { [$0] } ?? [])
        let resolved = paths.map(DriftFile.absolutePath)
        guard Set(resolved).count == resolved.count else {
            throw ValidationError("the input, -o and --png must be different files")
        }
    }

    func run(on comm: Communicator) throws {
        try Drift.onRoot(comm) {
            try overwrite.check([output] + (png.map { [$0] } ?? []), inputs: [input])
            let r = try DriftResult.read(path: input)
            let height = try DriftPlot.write(r, resultPath: input, svgPath: output, pngPath: png, width: width, height: height,
                                             name: URL(fileURLWithPath: input).lastPathComponent)
            var facts = [DriftPlot.axes(of: r).map { DriftPlot.axisNames[$0] }.joined(separator: ", ")]
            if !r.segmentCentreFrame.isEmpty { facts.append("\(r.segmentCentreFrame.count) segments") }
            let (dropped, pairs) = DriftPlot.droppedPairs(r)
            if pairs > 0 { facts.append("\(dropped) of \(pairs) pairs dropped") }
            let files = [output] + (png.map { [$0] } ?? [])
            return "plotted the drift at \(r.frames.count) frame\(r.frames.count == 1 ? "" : "s") (\(facts.joined(separator: "; "))), "
                + "\(width) x \(height) px: \(files.joined(separator: ", "))"
        }
    }
}
