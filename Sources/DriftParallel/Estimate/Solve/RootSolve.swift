import DriftCore

/// The solve on rank 0: it gathers every rank's pair shifts, solves the weighted least-squares
/// system robustly (`RobustSolver`) and broadcasts the result, so that every rank has the segment
/// drifts, and the solve does not depend on the rank count.
struct RootSolve {
    let communicator: Communicator
    /// Pairs whose residual exceeds this are dropped (in the pairs' unit: nm, or pixels); nil keeps all.
    let maxResidual: Double?
    /// The input, for messages.
    let input: String

    /// Rank 0 gathers the pairs, solves robustly over the segments with enough localisations
    /// (`active`; the others are left out of the system and get NaN), and broadcasts drifts,
    /// uncertainties, each segment's total weight of used pairs and the used flags.
    func solve(pairs: [PairShift], schedule: PairSchedule, active: [Bool], sparse: [ClosedRange<Int>]) throws -> SolveOutcome {
        let comm = communicator
        let gathered = comm.gatherv(pairs.flatMap(\.packed))
        let s = schedule.segmentCount
        let solution: [Double] = try comm.collectively {
            try FaultInjection.check(.solve, rank: comm.rank)
            guard comm.isRoot else { return [] }
            // Compact numbering of the active segments (MCC's reference node after them).
            var index = [Int](repeating: -1, count: s)
            var count = 0
            for k in 0..<s where active[k] { index[k] = count; count += 1 }
            let nodes = count + (schedule.method == .mcc ? 1 : 0)
            func node(_ k: Int) -> Int { k >= s ? count : index[k] }
            // In (i, j) order, whichever rank measured them, so that the solve does not depend on the rank count.
            let sorted = stride(from: 0, to: gathered.count, by: PairShift.packedCount)
                .map { PairShift(packed: gathered[$0..<($0 + PairShift.packedCount)]) }
                .sorted { ($0.i, $0.j) < ($1.i, $1.j) }
            let all = sorted.map { original -> PairShift in
                var p = original
                if node(p.i) < 0 || node(p.j) < 0 { p.used = false; p.i = 0; p.j = 0 } else { p.i = node(p.i); p.j = node(p.j) }
                return p
            }
            let solved: DriftSolution
            do {
                solved = try RobustSolver.solve(segmentCount: nodes, pairs: all, maxResidualNm: maxResidual)
            } catch let e as DriftSolverError {
                var text = "\(e)"
                if case .unconnected(let compact) = e {
                    let original = compact.compactMap { c in (0..<s).first { index[$0] == c } }
                    text = "\(DriftSolverError.unconnected(segments: original))"
                }
                if !sparse.isEmpty { text += " (\(sparse.count) segments are too sparse: try longer segments or --segment-locs)" }
                throw SolveFailure(input: input, problem: text)
            }
            var weightSum = [Double](repeating: 0, count: nodes)
            for p in solved.pairs where p.used { weightSum[p.i] += p.weight; weightSum[p.j] += p.weight }
            var out: [Double] = []
            let nan = SIMD3<Double>(repeating: .nan)
            for k in 0..<s { let d = active[k] ? solved.drift[index[k]] : nan; out += [d.x, d.y, d.z] }
            for k in 0..<s { let d = active[k] ? solved.segmentSigma[index[k]] : nan; out += [d.x, d.y, d.z] }
            for k in 0..<s { out.append(active[k] ? weightSum[index[k]] : 0) }
            out.append(solved.rmsResidualNm)
            for (k, p) in sorted.enumerated() {
                var q = p
                q.used = solved.pairs[k].used
                out += q.packed
            }
            return out
        }
        let b = comm.broadcast(solution)
        let drift = (0..<s).map { SIMD3(b[3 * $0], b[3 * $0 + 1], b[3 * $0 + 2]) }
        let sigma = (0..<s).map { SIMD3(b[3 * (s + $0)], b[3 * (s + $0) + 1], b[3 * (s + $0) + 2]) }
        let packed = b[(7 * s + 1)...]
        let pairs = stride(from: packed.startIndex, to: packed.endIndex, by: PairShift.packedCount)
            .map { PairShift(packed: packed[$0..<($0 + PairShift.packedCount)]) }
        return SolveOutcome(drift: drift, sigma: sigma, weight: Array(b[(6 * s)..<(7 * s)]),
                            pairs: pairs, rmsResidualNm: b[7 * s])
    }
}
