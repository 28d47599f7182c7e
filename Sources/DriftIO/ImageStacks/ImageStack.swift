import Foundation

/// A time-lapse image stack: `timePoints` time points, each a volume of `depth` z slices (1 for 2D)
/// of `height` x `width` pixels, read by ranges of time points so that each process reads only its own.
public protocol ImageStack: AnyObject {
    var path: String { get }
    /// `pyme-image` or `tiff`.
    var formatName: String { get }
    var timePoints: Int { get }
    /// z slices per time point (1: 2D).
    var depth: Int { get }
    var height: Int { get }
    var width: Int { get }
    /// Voxel size (x, y, z), nm, when the file records it.
    var voxelSizeNm: SIMD3<Double>? { get }
    var sampleType: ImageSampleType { get }
    /// Time points `range`, each `depth` x `height` x `width` values with x fastest, then y, then z.
    func read(timePoints range: Range<Int>) throws -> [Float]
}

extension ImageStack {
    /// Values per time point.
    public var voxelsPerTimePoint: Int { depth * height * width }
}
