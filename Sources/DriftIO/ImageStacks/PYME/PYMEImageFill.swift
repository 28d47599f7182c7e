import Foundation

/// Time points written into a PYME image file's `/ImageData`, from our x-fastest layout to PYME's
/// planes of (x, y) with y fastest.
public final class PYMEImageFill {
    let file: HDF5File
    let data: HDF5Dataset

    init(file: HDF5File, data: HDF5Dataset) {
        self.file = file
        self.data = data
    }

    /// Writes `volumes` (each depth x height x width values, x fastest) as time points from `first`.
    /// Collective when the file is open in parallel: every process calls it, possibly with none.
    public func write(timePoints volumes: [[Float]], from first: Int) throws {
        let shape = data.shape
        let width = shape[1], height = shape[2]
        let plane = width * height
        var values = [Float](repeating: 0, count: volumes.reduce(0) { $0 + $1.count })
        var at = 0
        for v in volumes {
            for p in 0..<(v.count / plane) {
                let base = p * plane
                for y in 0..<height {
                    for x in 0..<width { values[at + base + x * height + y] = v[base + y * width + x] }
                }
            }
            at += v.count
        }
        let depth = volumes.first.map { $0.count / plane } ?? 1
        try data.write(values, rowOffset: first * depth)
    }

    public func close() throws { withExtendedLifetime((file, data)) {} }
}
