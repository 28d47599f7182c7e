import DriftParallel
import Foundation

/// What `estimate` prints on rank 0 after the run: the figures of the result (nm, or px for image
/// stacks), the sparse segments, the expected error from split halves, the accuracy against a truth, and with `--timings` the phases and
/// each rank's usage.
struct EstimateReport {
    let summary: EstimateSummary
    let output: String
    /// Print the phase timings and the per-rank table.
    let timings: Bool
    /// Ranks of the run.
    let ranks: Int

    var lines: [String] {
        let summary = summary
        var out: [String] = []
        let r = summary.driftRange
        switch summary.unit {
        case .px:
            out.append(String(format: "%d time points, %dD, %d segments, %d of %d pairs used (RMS residual %.3f px); largest segment drift x %.2f, y %.2f, z %.2f px",
                              summary.rows, summary.dims, summary.segments, summary.usedPairs, summary.pairs, summary.rmsResidual, r.x, r.y, r.z)
                       + (summary.voxelSizeNm.map { String(format: " (voxel %.1f x %.1f x %.1f nm)", $0.x, $0.y, $0.z) } ?? " (no voxel size: pixels only)"))
        case .nm:
            out.append(String(format: "%d localisations, %dD, %d segments, %d of %d pairs used (RMS residual %.2f nm); largest segment drift x %.1f, y %.1f, z %.1f nm",
                              summary.rows, summary.dims, summary.segments, summary.usedPairs, summary.pairs, summary.rmsResidual, r.x, r.y, r.z))
        }
        if !summary.sparseSegments.isEmpty {
            out.append("segments too sparse to correlate (frames): " + summary.sparseSegments.prefix(10).map { "\($0.lowerBound)-\($0.upperBound)" }.joined(separator: ", ")
                       + (summary.sparseSegments.count > 10 ? ", ..." : ""))
        }
        if let e = summary.expectedError {
            let z = summary.dims == 3 ? String(format: ", z %.2f nm", e.z) : ""
            out.append(String(format: "expected error from split halves: x %.2f nm, y %.2f nm", e.x, e.y) + z)
        } else {
            // --no-accuracy, --no-refine, too few short segments, or an image stack.
            out.append("expected error from split halves: not estimated" + (summary.unit == .px ? " (image stack)" : ""))
        }
        if let e = summary.rmse {
            let z = summary.dims == 3 ? String(format: ", z %.2f nm", e.z) : ""
            var line = String(format: "RMSE against the truth: x %.2f nm, y %.2f nm", e.x, e.y) + z
            if let v = summary.voxelSizeNm { line += String(format: " = x %.4f px, y %.4f px", e.x / v.x, e.y / v.y) }
            out.append(line + " (after removing a constant offset)")
        }
        if timings {
            out.append("phase          seconds (max over \(ranks) ranks)")
            for (phase, seconds) in summary.timings {
                out.append(phase.rawValue.padding(toLength: 14, withPad: " ", startingAt: 0) + String(format: " %8.3f", seconds))
            }
            out.append(String(format: "inside FFTW: %.0f %% of the forward transforms, correlations and peak fits", 100 * summary.fftwShare))
            out.append(String(format: "peak resident memory: %.0f MiB (largest rank)", summary.peakMemoryMiB))
            out.append("rank  pairs  MiB sent  CPU s  peak MiB  MPI CPU s  messages")
            for (r, u) in summary.ranks.enumerated() {
                out.append(String(format: "%4d %6d %9.1f %6.2f %9.0f %10.2f %9lld", r, u.pairs ?? 0, Double(u.bytesSent ?? 0) / 1048576,
                                  u.cpuSeconds ?? 0, u.peakMiB ?? 0, u.mpiCpuSeconds ?? 0, u.messages ?? 0))
            }
        }
        out.append("result: \(output)")
        return out
    }

    func print() {
        for line in lines { Swift.print(line) }
    }
}
