import ArgumentParser
import DriftCore
import DriftIO
import DriftParallel
import Foundation

struct SimulateLocs: DriftCommand, AcquisitionArguments {
    static let configuration = CommandConfiguration(
        commandName: "locs",
        abstract: "Simulate an SMLM acquisition with known drift as a Picasso file pair.",
        discussion: """
        DNA-origami-like grids and worm-like filaments, blinking emitters (exponential on and off \
        times, bleaching), photon-dependent localisation precision (about 5 to 15 nm), 5 % background \
        localisations and a smooth drift (random walk plus slow oscillation and creep).

        Writes OUT.hdf5 (dataset 'locs': frame u4, x, y in camera pixels, photons, sx, sy, bg, lpx, lpy, \
        and z in nm with --z), OUT.yaml (Frames, Width, Height, Pixelsize in nm, generator) and \
        OUT_truth.csv (frame,dx_nm,dy_nm,dz_nm: the true drift at every frame).

        Example: driftmpi simulate locs demo.hdf5 --frames 20000 --seed 3
        """
    )

    @Argument(help: "Output Picasso localisation file (.hdf5).")
    var output: String

    @OptionGroup(title: "Outputs")
    var overwrite: OverwritePolicy

    @Option(help: "Number of camera frames.")
    var frames: Int = 20_000

    @Option(help: "Number of binding sites; about 100 localisations each over 20,000 frames.")
    var sites: Int = 5_000

    @Option(help: "Random seed (the same seed gives the same data).")
    var seed: UInt64 = 1

    @Option(name: .customLong("drift-nm"), help: "Largest x-y drift excursion, nm.")
    var driftNm: Double = 300

    @Option(help: "Camera width and height, pixels.")
    var size: Int = 256

    @Option(name: .customLong("pixel-nm"), help: "Camera pixel size in the sample, nm.")
    var pixelNm: Double = 130

    @Flag(help: "3D data: a z column (nm) and z drift (two thirds of the x-y drift).")
    var z = false

    func validate() throws {
        try validateAcquisition()
        guard output.hasSuffix(".hdf5") || output.hasSuffix(".h5") else {
            throw ValidationError("the output must end in .hdf5 (Picasso's extension)")
        }
    }

    func run(on comm: Communicator) throws {
        let out = output
        var p = SimulationParameters()
        p.frames = frames
        p.sites = sites
        p.seed = seed
        p.driftNm = driftNm
        p.threeD = z
        p.width = size
        p.height = size
        p.pixelSizeNm = pixelNm
        // One rank simulates and writes; the others wait for the outcome.
        let summary: String = try comm.collectively {
            guard comm.isRoot else { return "" }
            let truthPath = TruthPath.beside(out)
            try overwrite.check([out, PicassoMetadata.yamlPath(forLocalisations: out), truthPath], inputs: [])
            let acq = Simulator.run(p)
            try PicassoWriter.write(acq, to: out, generator: generator("driftmpi simulate locs"))
            try AtomicOutput.write(text: TruthCSV.text(drift: acq.drift), to: truthPath)
            return "wrote \(acq.count) localisations in \(frames) frames to \(out) (+ .yaml), true drift to \(truthPath)"
        }
        if comm.isRoot { print(summary) }
    }
}
