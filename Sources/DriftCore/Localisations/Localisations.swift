/// Localisations as columns (structure of arrays), in the units the drift engine uses.
///
/// Coordinates are in nm, frames in the input's own numbering (Picasso counts from 0).
public struct Localisations: Equatable, Sendable {
    /// Frame of each localisation.
    public var frame: [UInt32]
    /// x position, nm.
    public var x: [Float]
    /// y position, nm.
    public var y: [Float]
    /// z position, nm, when the data are 3D.
    public var z: [Float]?

    public init(frame: [UInt32] = [], x: [Float] = [], y: [Float] = [], z: [Float]? = nil) {
        precondition(frame.count == x.count && x.count == y.count, "columns differ in length")
        precondition(z == nil || z!.count == x.count, "z column differs in length")
        self.frame = frame
        self.x = x
        self.y = y
        self.z = z
    }

    /// Number of localisations.
    public var count: Int { frame.count }

    /// The rows of `rows` (in frame order) whose frames are in `frames`; empty for nil.
    public func rows(_ rows: Range<Int>, inFrames frames: ClosedRange<Int>?) -> Range<Int> {
        guard let frames else { return rows.lowerBound..<rows.lowerBound }
        var a = rows.lowerBound, b = rows.upperBound
        while a < b && Int(frame[a]) < frames.lowerBound { a += 1 }
        while b > a && Int(frame[b - 1]) > frames.upperBound { b -= 1 }
        return a..<b
    }

    /// The rows `range`, as a new table.
    public func rows(_ range: Range<Int>) -> Localisations {
        Localisations(frame: Array(frame[range]), x: Array(x[range]), y: Array(y[range]),
                      z: z.map { Array($0[range]) })
    }
}
