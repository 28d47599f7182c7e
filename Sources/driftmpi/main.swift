import DriftIO
import DriftParallel
import Foundation

// Freed memory is kept for reuse (each refinement pass allocates what the last freed).
PeakMemory.keepFreedMemory()
// MPI starts once per process; every command runs on every rank and they finish together.
let world = Communicator.world()
// Outputs being written are removed if Slurm (or anyone) stops the job with SIGTERM.
AtomicOutput.removeTemporariesOnTermination()
let status = CommandRunner.run(Array(CommandLine.arguments.dropFirst()), communicator: world)
world.finalize()
exit(status)
