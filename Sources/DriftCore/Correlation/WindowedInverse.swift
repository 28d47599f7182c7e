import CFFTW
import Foundation

/// The unnormalised inverse (complex to real) transform of a 2D or 3D half spectrum, made only where
/// a correlation peak can be: rows y = 0 ... `rows` and `height - rows` ..< `height`, and in 3D planes
/// z = 0 ... `planes` and `depth - planes` ..< `depth` (shifts of at most that many bins, zero shift
/// at index 0). An inverse is complex transforms along y and z followed by real ones along x; here
/// every line along y is transformed, then along z only the lines of the rows kept, then along x
/// only the lines of the rows and planes kept (FFTW's guru interface; plans made once, FFTW_ESTIMATE,
/// so that every process picks the same algorithm). The values kept are those of the whole transform
/// (on 320 x 320 grids they came out the same bit for bit); elsewhere the output holds no values.
/// On a 320 x 320 grid with 11 rows either side that is the columns' half of the work plus 23 of the
/// rows' 320 transforms.
final class WindowedInverse {
    let width: Int, height: Int, depth: Int
    private let real: UnsafeMutablePointer<Float>
    private let complex: UnsafeMutablePointer<fftwf_complex>
    /// Along y (every line), along z (the rows kept), along x (the rows and planes kept).
    private var plans: [fftwf_plan] = []
    /// Wall time spent inside FFTW's execute calls so far, s.
    private(set) var executeSeconds = 0.0

    /// `rows` (y) and `planes` (z, 3D) kept on each side of index 0; nil where the rows kept would be
    /// (nearly) all of them: the whole transform is then as fast.
    init?(width: Int, height: Int, depth: Int = 1, rows: Int, planes: Int = 0) {
        guard width >= 2, rows >= 1, 4 * (2 * rows + 1) <= height, depth >= 1 else { return nil }
        self.width = width
        self.height = height
        self.depth = depth
        let hw = width / 2 + 1
        real = fftwf_alloc_real(width * height * depth)!
        complex = fftwf_alloc_complex(depth * height * hw)!
        let flags = UInt32(FFTW_ESTIMATE)
        // FFTW_BACKWARD is +1 (a macro Swift does not import).
        let backward: Int32 = 1
        let plane = height * hw, realPlane = height * width
        func dim(_ n: Int, _ stride: Int, _ outStride: Int? = nil) -> fftwf_iodim {
            fftwf_iodim(n: Int32(n), is: Int32(stride), os: Int32(outStride ?? stride))
        }
        // Along y: every (z, kx) line, in place.
        var along = [dim(height, hw)]
        var many = [dim(depth, plane), dim(hw, 1)]
        plans.append(fftwf_plan_guru_dft(1, &along, 2, &many, complex, complex, backward, flags)!)
        let rowBlocks = Self.blocks(count: height, keep: rows)
        let planeBlocks = depth > 1 ? Self.blocks(count: depth, keep: planes) : [0..<1]
        // Along z: the (y, kx) lines of the rows kept.
        if depth > 1 {
            for r in rowBlocks {
                var along = [dim(depth, plane)]
                var many = [dim(r.count, hw), dim(hw, 1)]
                plans.append(fftwf_plan_guru_dft(1, &along, 2, &many, complex + r.lowerBound * hw,
                                                 complex + r.lowerBound * hw, backward, flags)!)
            }
        }
        // Along x, complex to real: the lines of the rows and planes kept.
        for p in planeBlocks {
            for r in rowBlocks {
                var along = [dim(width, 1)]
                var many = [dim(p.count, plane, realPlane), dim(r.count, hw, width)]
                plans.append(fftwf_plan_guru_dft_c2r(1, &along, 2, &many,
                                                     complex + p.lowerBound * plane + r.lowerBound * hw,
                                                     real + p.lowerBound * realPlane + r.lowerBound * width,
                                                     flags | UInt32(FFTW_DESTROY_INPUT))!)
            }
        }
    }

    /// The indices 0 ... keep and count - keep ..< count as ranges (all of them where they meet).
    static func blocks(count: Int, keep: Int) -> [Range<Int>] {
        2 * keep + 1 >= count ? [0..<count] : [0..<(keep + 1), (count - keep)..<count]
    }

    deinit {
        for plan in plans { fftwf_destroy_plan(plan) }
        fftwf_free(real)
        fftwf_free(complex)
    }

    /// The inverse of the half spectrum `fill` writes (interleaved re, im; `depth x height x (width /
    /// 2 + 1)` values, x fastest), handed to `read` in this transform's own output (`width * height *
    /// depth` values, valid in the rows and planes kept and only inside `read`).
    func inverse<T>(_ fill: (UnsafeMutablePointer<Float>) -> Void, read: (UnsafeBufferPointer<Float>) -> T) -> T {
        complex.withMemoryRebound(to: Float.self, capacity: 2 * depth * height * (width / 2 + 1)) { fill($0) }
        executeSeconds += RealFFT.seconds { for plan in plans { fftwf_execute(plan) } }
        return read(UnsafeBufferPointer(start: real, count: width * height * depth))
    }
}
