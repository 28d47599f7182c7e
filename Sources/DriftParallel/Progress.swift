import Foundation

/// Progress lines on rank 0's standard error (the other ranks stay silent).
public struct Progress: Sendable {
    let enabled: Bool
    let start = PhaseTimer.now()

    public init(communicator: Communicator, quiet: Bool) {
        enabled = communicator.isRoot && !quiet
    }

    public func say(_ text: String) {
        guard enabled else { return }
        let t = PhaseTimer.now() - start
        FileHandle.standardError.write(Data(String(format: "driftmpi [%7.2f s] %@\n", t, text).utf8))
    }
}
