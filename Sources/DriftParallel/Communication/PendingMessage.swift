import CMPI

/// A non-blocking send or receive in flight; `Communicator.waitAll` completes it. The buffer it
/// names must stay alive and (for a send) unchanged until then.
public struct PendingMessage {
    var request: MPI_Request?
}
