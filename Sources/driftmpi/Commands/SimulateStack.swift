import ArgumentParser
import DriftCore
import DriftIO
import DriftParallel
import Foundation

struct SimulateStack: DriftCommand, AcquisitionArguments {
    static let configuration = CommandConfiguration(
        commandName: "stack",
        abstract: "Simulate an image stack with known drift as a PYME image file (.h5).",
        discussion: """
        The structures of 'simulate locs' (DNA-origami-like grids and worm-like filaments), every site \
        always on, imaged as pixel-integrated Gaussian spots (sigma 1.3 pixels) that move with a smooth \
        drift, on a uniform background, with Poisson noise. With --z-slices N each time point is a \
        z-stack of N slices (100 nm apart, axial PSF sigma 250 nm) and the drift has a z component.

        Writes OUT.h5 (PYME image: /ImageData float32, or uint16 with --uint16, (N, x, y), N = time points x slices with z \
        fastest; /MetaData with voxelsize in um and SizeZ, SizeT) and OUT_truth.csv \
        (frame,dx_nm,dy_nm,dz_nm: the true drift at every time point).

        The sites and the drift are those of 'simulate locs' with the same --seed, --frames, --size, \
        --pixel-nm, --sites, --drift-nm (and --z for --z-slices): --locs FILE.hdf5 also writes those \
        localisations (Picasso file pair and FILE_truth.csv), so a drift measured on the images can be \
        applied to them.

        Example: driftmpi simulate stack stack.h5 --frames 200 --seed 3 --locs stack_locs.hdf5
        """
    )

    @Argument(help: "Output PYME image file (.h5).")
    var output: String

    @OptionGroup(title: "Outputs")
    var overwrite: OverwritePolicy

    @Option(help: "Number of time points (camera frames, or z-stacks with --z-slices).")
    var frames: Int = 200

    @Option(help: "Image width and height, pixels.")
    var size: Int = 256

    @Option(name: .customLong("pixel-nm"), help: "Pixel size in the sample, nm.")
    var pixelNm: Double = 100

    @Option(help: "Number of sites (all always on).")
    var sites: Int = 3_000

    @Option(name: .customLong("drift-nm"), help: "Largest x-y drift excursion, nm.")
    var driftNm: Double = 300

    @Option(help: "Random seed (the same seed gives the same data).")
    var seed: UInt64 = 1

    @Option(name: .customLong("z-slices"), help: "z slices per time point (0: 2D images, no z drift).")
    var zSlices: Int = 0

    @Option(help: "Expected photons per site per frame.")
    var photons: Double = 200

    @Option(help: "Expected background photons per pixel per frame.")
    var background: Double = 10

    @Flag(help: "Store uint16 samples without compression, as a camera's acquisition writes them (float32, compressed, without it).")
    var uint16 = false

    @Option(help: "Also write the localisations of the same acquisition as this Picasso file (.hdf5).")
    var locs: String?

    func validate() throws {
        try validateAcquisition()
        guard zSlices >= 0 else { throw ValidationError("--z-slices must not be negative") }
        guard photons >= 0, background >= 0 else { throw ValidationError("--photons and --background must not be negative") }
        guard output.hasSuffix(".h5") else { throw ValidationError("the output must end in .h5 (PYME's image extension)") }
        if let locs {
            guard locs.hasSuffix(".hdf5") || locs.hasSuffix(".h5") else {
                throw ValidationError("--locs must end in .hdf5 (Picasso's extension)")
            }
            guard TruthPath.beside(locs) != TruthPath.beside(output) else {
                throw ValidationError("--locs needs another name than the image output (each writes NAME_truth.csv)")
            }
        }
    }

    func run(on comm: Communicator) throws {
        let out = output, locsOut = locs
        var p = StackParameters()
        p.frames = frames
        p.width = size
        p.height = size
        p.pixelSizeNm = pixelNm
        p.sites = sites
        p.driftNm = driftNm
        p.seed = seed
        p.zSlices = zSlices
        p.photonsPerEmitter = photons
        p.backgroundPhotons = background
        // One rank simulates and writes; the others wait for the outcome.
        let summary: String = try comm.collectively {
            guard comm.isRoot else { return "" }
            let truthPath = TruthPath.beside(out)
            try overwrite.check([out, truthPath] + (locsOut.map { [$0, PicassoMetadata.yamlPath(forLocalisations: $0), TruthPath.beside($0)] } ?? []),
                                inputs: [])
            var drift: [SIMD3<Double>] = []
            let depth = max(1, p.zSlices)
            try PYMEImageWriter.write(to: out, width: p.width, height: p.height, depth: depth, timePoints: p.frames,
                                      voxelSizeNm: SIMD3(p.pixelSizeNm, p.pixelSizeNm, p.zStepNm), uint16: uint16) { append in
                drift = try StackSimulator.generate(p) { _, frame in try append(frame) }.drift
            }
            try AtomicOutput.write(text: TruthCSV.text(drift: drift), to: truthPath)
            let shape = depth > 1 ? "\(p.frames) time points of \(depth) x \(size) x \(size)" : "\(p.frames) frames of \(size) x \(size)"
            var lines = ["wrote \(shape) pixels to \(out), true drift to \(truthPath)"]
            if let locsOut {
                let acq = Simulator.run(StackSimulator.locsParameters(p))
                try PicassoWriter.write(acq, to: locsOut, generator: generator("driftmpi simulate stack --locs"))
                let locsTruth = TruthPath.beside(locsOut)
                try AtomicOutput.write(text: TruthCSV.text(drift: acq.drift), to: locsTruth)
                lines.append("wrote \(acq.count) localisations of the same acquisition to \(locsOut) (+ .yaml), true drift to \(locsTruth)")
            }
            return lines.joined(separator: "\n")
        }
        if comm.isRoot { print(summary) }
    }
}
