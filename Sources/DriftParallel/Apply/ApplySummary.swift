/// What `apply` did, as rank 0 reports it.
public struct ApplySummary: Sendable {
    /// Localisations, or time points of an image stack.
    public var rows: Int
    public var format: String
    public var correctedZ: Bool
    /// Whether some frames lay outside the drift file's and took its first or last drift.
    public var held: Bool
    public var isImageStack = false
}
