import Foundation

/// A simulated image stack with its known drift.
public struct SimulatedStack: Sendable {
    public var parameters: StackParameters
    /// One array per time point: depth x height x width photon counts, x fastest, then y, then z.
    /// Pixel (x, y) is centred at (x, y) * pixel size in the sample (a site at position p appears
    /// at pixel coordinate p / pixel size).
    public var frames: [[Float]]
    /// True drift at every time point, nm (zero at time point 0).
    public var drift: [SIMD3<Double>]
    /// The sites, nm, without drift.
    public var sites: [SIMD3<Double>]
    public var width: Int
    public var height: Int
    /// z slices per time point (1 in 2D).
    public var depth: Int
    /// Voxel size (x, y, z), nm; z is the slice step.
    public var voxelSizeNm: SIMD3<Double>

    public init(parameters: StackParameters, frames: [[Float]], drift: [SIMD3<Double>], sites: [SIMD3<Double>],
                width: Int, height: Int, depth: Int, voxelSizeNm: SIMD3<Double>) {
        self.parameters = parameters
        self.frames = frames
        self.drift = drift
        self.sites = sites
        self.width = width
        self.height = height
        self.depth = depth
        self.voxelSizeNm = voxelSizeNm
    }

    public var timePoints: Int { frames.count }
}
