import Foundation

/// Chooses the smoothing of a `SmoothingSpline` through noisy values from the values themselves, by
/// generalised cross-validation (Craven & Wahba 1979): the smoothing s among `candidates` that
/// minimises
///
///     GCV(s) = (1/n) sum_i w_i (y_i - f_s(t_i))^2 / (1 - tr(A_s) / n)^2
///
/// summed over the axes, where A_s is the linear map from values to fitted values (so tr(A_s) is the
/// spline's effective number of parameters). GCV needs no noise level: it estimates the error of
/// predicting a left-out value. Dense data with precise values get little smoothing, sparse data with
/// noisy values a lot. tr(A_s) is exact (n unit vectors) for up to `exactTraceLimit` knots, else
/// Hutchinson's estimate with `probes` fixed random sign vectors (deterministic).
public enum SmoothingSelection {
    /// Candidate smoothings (dimensionless, see `SmoothingSpline`): 10^-2 ... 10^6 in half decades.
    public static let candidates: [Double] = (-4...12).map { pow(10, Double($0) / 2) }
    static let exactTraceLimit = 48
    static let probes = 24

    /// The choice and its score.
    public struct Choice: Equatable, Sendable {
        /// The chosen dimensionless smoothing (0 when there are too few knots to choose).
        public var smoothing: Double
        /// The spline's effective number of parameters at that smoothing.
        public var effectiveParameters: Double
    }

    /// `knots` in frames, strictly increasing; `values[axis][i]` in nm; `weights` positive (nil: equal).
    /// With `knownNoise`, the weights are 1 / variance (nm^-2) of each value, and the choice minimises
    /// the unbiased risk estimate instead (Craven & Wahba 1979; Mallows' C_p):
    ///
    ///     UBRE(s) = (1/n) sum_axes sum_i w_i (y_i - f_s(t_i))^2 + 2 x axes x tr(A_s) / n
    ///
    /// which, knowing the noise, keeps what rises above it even where it changes from one knot to
    /// the next (GCV can only call that noise). With `share`, the processes score a block of the
    /// candidates each (collective; the same choice, bit for bit, as one process scoring them all).
    public static func choose(knots: [Double], values: [[Double]], weights: [Double]? = nil,
                              candidates: [Double] = SmoothingSelection.candidates,
                              knownNoise: Bool = false, share: WorkShare = .serial) -> Choice {
        let n = knots.count
        guard n > 3, !values.isEmpty else { return Choice(smoothing: 0, effectiveParameters: Double(n)) }
        let w = normalised(weights, n)
        // Axes without variation (e.g. z in 2D) add nothing.
        let axes = values.filter { v in v.contains { $0 != v[0] } }
        guard !axes.isEmpty else { return Choice(smoothing: Self.candidates.last!, effectiveParameters: 2) }
        // With known noise, the residuals in the given weights' scale (`w` holds them over their mean).
        let noiseScale = knownNoise ? weights.map { $0.reduce(0, +) / Double(n) } : nil
        // Each candidate's score (infinite where the fit leaves no degrees of freedom) and trace.
        // The trace's probes, the same for every candidate; each candidate's system is factored once
        // for the probes and the axes.
        let probes = Self.traceProbes(n), sets = probes + axes
        let scored = share.map(count: candidates.count, width: 2) { c -> [Double] in
            let s = candidates[c]
            let fits = SmoothingSpline.fittedValues(knots: knots, valueSets: sets, weights: w, smoothing: s)
            let trace = Self.trace(probes: probes, fitted: fits[..<probes.count])
            var rss = 0.0
            for (v, fitted) in zip(axes, fits[probes.count...]) {
                for i in 0..<n { rss += w[i] * (v[i] - fitted[i]) * (v[i] - fitted[i]) }
            }
            if let scale = noiseScale {
                return [scale * rss / Double(n) + 2 * Double(axes.count) * trace / Double(n), trace]
            }
            let denominator = 1 - trace / Double(n)
            guard denominator > 1e-9 else { return [.infinity, trace] }
            return [rss / Double(n) / (denominator * denominator), trace]
        }
        var best = Choice(smoothing: candidates[0], effectiveParameters: Double(n))
        var bestScore = Double.infinity
        for (c, v) in scored.enumerated() where v[0] < bestScore {
            bestScore = v[0]
            best = Choice(smoothing: candidates[c], effectiveParameters: v[1])
        }
        return best
    }

    /// tr(A_s): exact for few knots, else Hutchinson's estimate with fixed random sign vectors.
    static func trace(knots: [Double], weights: [Double], smoothing: Double) -> Double {
        let probes = traceProbes(knots.count)
        let fitted = SmoothingSpline.fittedValues(knots: knots, valueSets: probes, weights: weights, smoothing: smoothing)
        return trace(probes: probes, fitted: fitted[...])
    }

    /// The vectors whose fits give tr(A_s) for n knots: the n unit vectors up to `exactTraceLimit`
    /// knots, else `probes` fixed random sign vectors.
    static func traceProbes(_ n: Int) -> [[Double]] {
        if n <= exactTraceLimit {
            return (0..<n).map { i in
                var e = [Double](repeating: 0, count: n)
                e[i] = 1
                return e
            }
        }
        var rng = RandomSource(seed: 0x5EED)
        return (0..<probes).map { _ in (0..<n).map { _ in rng.next() & 1 == 0 ? -1.0 : 1.0 } }
    }

    /// tr(A_s) from the fits of `traceProbes`: the diagonal of A_s, or Hutchinson's mean of z^T A_s z.
    static func trace(probes: [[Double]], fitted: ArraySlice<[Double]>) -> Double {
        precondition(fitted.count == probes.count, "one fit per probe")
        let n = probes.first?.count ?? 0
        var t = 0.0
        if n <= exactTraceLimit {
            for (i, f) in fitted.enumerated() { t += f[i] }
            return t
        }
        for (z, f) in zip(probes, fitted) {
            for i in 0..<n { t += z[i] * f[i] }
        }
        return t / Double(probes.count)
    }

    static func normalised(_ weights: [Double]?, _ n: Int) -> [Double] {
        guard let weights else { return [Double](repeating: 1, count: n) }
        let mean = weights.reduce(0, +) / Double(n)
        return weights.map { $0 / mean }
    }
}
