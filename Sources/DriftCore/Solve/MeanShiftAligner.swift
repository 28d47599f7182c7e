import Foundation

/// Aligns a set of localisations to a `ReferenceDensity`: it finds the shift s that maximises
/// f(s) = sum_j sum_b count_b * exp(-|c_b - x_j - s|^2 / (2 sigma^2)), the Gaussian-smoothed
/// correlation between the points and the reference, at full localisation precision (the points
/// themselves are not binned), by Newton steps on f (`KernelSums`), with the kernel cut at 2 sigma.
/// `SegmentAligner` does the same for many segments at once against a reference that holds them.
public enum MeanShiftAligner {
    public struct Alignment: Equatable, Sendable {
        /// Shift that lays the points onto the reference, nm.
        public var shift: SIMD2<Double>
        /// Kernel-weighted reference counts at the optimum (0: nothing to align to).
        public var support: Double
        public var iterations: Int

        public init(shift: SIMD2<Double>, support: Double, iterations: Int) {
            self.shift = shift
            self.support = support
            self.iterations = iterations
        }
    }

    /// `x`, `y` in nm; `start` is the first guess of the shift (nm). Steps are limited to sigma.
    public static func align(x: ArraySlice<Float>, y: ArraySlice<Float>, to reference: ReferenceDensity,
                             sigmaNm: Double, start: SIMD2<Double> = .zero,
                             tolerance: Double = 0.005, maxIterations: Int = 50) -> Alignment {
        precondition(x.count == y.count)
        let kernel = KernelEvaluator(sigmaNm: sigmaNm, reference: reference)
        var s = start
        var support = 0.0
        var iterations = 0
        reference.counts.withUnsafeBufferPointer { c in
            while iterations < maxIterations {
                iterations += 1
                var sums = KernelSums()
                var j = y.startIndex
                for i in x.indices {
                    let px = Double(x[i]) + s.x, py = Double(y[j]) + s.y
                    j += 1
                    // Points beyond the reference (or not finite) have nothing to align to.
                    guard let r = kernel.reach(px, py) else { continue }
                    kernel.gather(c.baseAddress!, ix0: r.ix0, iy0: r.iy0, nx: r.nx, ny: r.ny)
                    // Each point's lanes added up in double precision (one segment's points may be many).
                    var lanes = KernelLaneSums()
                    kernel.accumulate(&lanes, px, py, ix0: r.ix0, iy0: r.iy0, nx: r.nx, ny: r.ny)
                    sums.add(KernelSums(lanes))
                }
                support = sums.k0
                guard let (step, newton) = sums.step(sigmaNm: sigmaNm) else { break }
                s += step
                if KernelSums.converged(step: step, newton: newton, sigmaNm: sigmaNm, tolerance: tolerance) { break }
            }
        }
        return Alignment(shift: s, support: support, iterations: iterations)
    }
}
