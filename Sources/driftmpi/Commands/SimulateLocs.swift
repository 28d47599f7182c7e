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
        localisations (--background) and a smooth drift (random walk plus slow oscillation and creep). \
        Optionally: bleaching to a surviving fraction by the last frame (--bleach-to), a fast \
        vibration on the x-y drift (--vibration-nm, --vibration-period; in the truth file too) and \
        fiducial beads (--fiducials: 20,000 to 50,000 photons, about 1 nm precision, drifting with \
        the sample). Every option works with --z. Options left out change nothing: the same seed \
        gives the same data as without them.

        Writes OUT.hdf5 (dataset 'locs': frame u4, x, y in camera pixels, photons, sx, sy, bg, lpx, lpy, \
        and z in nm with --z), OUT.yaml (Frames, Width, Height, Pixelsize in nm, generator) and \
        OUT_truth.csv (frame,dx_nm,dy_nm,dz_nm: the true drift at every frame).

        Examples:
          driftmpi simulate locs demo.hdf5 --frames 20000 --seed 3
          driftmpi simulate locs hard.hdf5 --background 0.3 --bleach-to 0.22 --vibration-nm 15 --z
          driftmpi simulate locs beads.hdf5 --sites 500 --fiducials 8 --vibration-nm 10
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

    @Option(help: ArgumentHelp("Fraction of the sample's localisations (fiducials not counted) that are unstructured single-frame background, 0 to below 1.",
                               valueName: "fraction"))
    var background: Double = 0.05

    @Option(name: .customLong("bleach-to"),
            help: ArgumentHelp("Bleach the binding sites so that about this fraction (0 to 1, both excluded) is still active at the last frame: each site bleaches at an exponentially distributed frame, in place of the per-event bleaching. Default: per-event bleaching only.",
                               valueName: "fraction"))
    var bleachTo: Double?

    @Option(name: .customLong("vibration-nm"),
            help: ArgumentHelp("Amplitude of a fast sinusoidal vibration added to the x and y drift (random phase per axis), nm; 0: none.",
                               valueName: "nm"))
    var vibrationNm: Double = 0

    @Option(name: .customLong("vibration-period"),
            help: ArgumentHelp("Period of the vibration, frames.", valueName: "frames"))
    var vibrationPeriod: Double = 400

    @Option(help: ArgumentHelp("Number of fiducial beads: fixed bright emitters spread over the field away from its edges, localised in nearly every frame, drifting with the sample.",
                               valueName: "count"))
    var fiducials: Int = 0

    @Option(name: .customLong("fiducial-missing"),
            help: ArgumentHelp("Mean fraction of frames (0 to below 1) in which a bead is not localised; each bead's own fraction is 2/3 to 4/3 of it.",
                               valueName: "fraction"))
    var fiducialMissing: Double = 0.015

    func validate() throws {
        try validateAcquisition()
        guard background >= 0 && background < 1 else { throw ValidationError("--background must be at least 0 and below 1") }
        if let bleachTo, !(bleachTo > 0 && bleachTo < 1) { throw ValidationError("--bleach-to must be above 0 and below 1") }
        guard vibrationNm >= 0 && vibrationNm.isFinite else { throw ValidationError("--vibration-nm must not be negative") }
        guard vibrationPeriod > 0 && vibrationPeriod.isFinite else { throw ValidationError("--vibration-period must be positive") }
        guard fiducials >= 0 && fiducials <= 10_000 else { throw ValidationError("--fiducials must be 0 to 10000") }
        guard fiducialMissing >= 0 && fiducialMissing < 1 else { throw ValidationError("--fiducial-missing must be at least 0 and below 1") }
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
        p.backgroundFraction = background
        p.bleachToFraction = bleachTo
        p.vibrationNm = vibrationNm
        p.vibrationPeriodFrames = vibrationPeriod
        p.fiducials = fiducials
        p.fiducialMissingFraction = fiducialMissing
        // The .yaml names the options in use only, so that a file without them stays the same.
        var lines = generator("driftmpi simulate locs")
        if background != 0.05 { lines.append(("Background fraction", String(background))) }
        if let bleachTo { lines.append(("Bleach to fraction", String(bleachTo))) }
        if vibrationNm > 0 { lines.append(("Vibration nm", String(vibrationNm))); lines.append(("Vibration period frames", String(vibrationPeriod))) }
        if fiducials > 0 { lines.append(("Fiducials", String(fiducials))); lines.append(("Fiducial missing fraction", String(fiducialMissing))) }
        // One rank simulates and writes; the others wait for the outcome.
        let summary: String = try comm.collectively {
            guard comm.isRoot else { return "" }
            let truthPath = TruthPath.beside(out)
            try overwrite.check([out, PicassoMetadata.yamlPath(forLocalisations: out), truthPath], inputs: [])
            let acq = Simulator.run(p)
            try PicassoWriter.write(acq, to: out, generator: lines)
            try AtomicOutput.write(text: TruthCSV.text(drift: acq.drift), to: truthPath)
            return "wrote \(acq.count) localisations in \(frames) frames to \(out) (+ .yaml), true drift to \(truthPath)"
        }
        if comm.isRoot { print(summary) }
    }
}
