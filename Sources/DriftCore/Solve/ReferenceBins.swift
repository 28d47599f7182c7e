/// The bin of every point in a `ReferenceDensity` (-1 in both where the point is outside or not finite).
public struct ReferenceBins: Sendable {
    public var ix: [Int32]
    public var iy: [Int32]

    /// The same points in bins `factor` times larger (as `ReferenceDensity.coarsened(by:)` sums them).
    public func coarsened(by factor: Int) -> ReferenceBins {
        guard factor > 1 else { return self }
        let f = Int32(factor)
        return ReferenceBins(ix: ix.map { $0 >= 0 ? $0 / f : -1 }, iy: iy.map { $0 >= 0 ? $0 / f : -1 })
    }
}
