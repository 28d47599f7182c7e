import ArgumentParser
import DriftCore

struct Driftmpi: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "driftmpi",
        abstract: "Measure and remove sample drift in SMLM localisations and image stacks by cross-correlation, on one core or many MPI ranks.",
        discussion: """
        Run with one rank to try it, or under MPI for large data:
          driftmpi simulate locs demo.hdf5
          mpirun -n 4 driftmpi estimate demo.hdf5 -o drift.h5 --truth demo_truth.csv
          mpirun -n 4 driftmpi apply drift.h5 demo.hdf5 -o demo_undrift.hdf5

        Localisations: Picasso (.hdf5 + .yaml), PYME (.h5r, .hdf), ThunderSTORM and plain CSV.
        Image stacks: PYME (.h5), TIFF (BigTIFF, ImageJ hyperstacks, OME-TIFF), 2D or z-stacks.

        Exit codes: 0 success; 1 bad input, unwritable output or a failure during the run (every rank \
        exits, one message is printed); 64 the command line is not understood.
        """,
        version: DriftmpiVersion.string,
        subcommands: [Simulate.self, Estimate.self, Apply.self, Drift.self, Inspect.self, Plot.self]
    )
}
