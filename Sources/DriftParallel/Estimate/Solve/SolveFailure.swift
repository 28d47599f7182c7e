/// The pairs do not determine the segment drifts (segments left unconnected, or a singular system).
public struct SolveFailure: Error, CustomStringConvertible, Equatable {
    /// The input whose pairs were solved.
    public var input: String
    public var problem: String
    public var description: String { "\(input): \(problem)" }
}
