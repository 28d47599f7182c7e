import Foundation

/// A located correlation peak.
public struct PeakEstimate: Equatable, Sendable {
    /// Shift, bins (x, y, z; z is 0 in 2D).
    public var dx: Double
    public var dy: Double
    public var dz: Double = 0
    /// Height of the correlation at the peak (arbitrary units).
    public var height: Double
    /// Peak height over the mean of the correlation in the search region (1 = no peak).
    public var contrast: Double = 1
}
