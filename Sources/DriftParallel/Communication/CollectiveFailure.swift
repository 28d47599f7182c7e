/// A failure that every process has agreed on: the message comes from the lowest-ranked process that
/// failed, and every process throws it, so all of them stop together rather than hang.
public struct CollectiveFailure: Error, CustomStringConvertible {
    public var message: String
    /// Rank that reported the failure.
    public var rank: Int
    public var description: String { message }
}
