/// The ring for all pairs: process r holds its own block of spectra and passes blocks to r - 1 while
/// receiving from r + 1, so at step t it holds the block of process (r + t) mod P. Each pair of blocks
/// is met by both of its processes (at steps t and P - t); the one that meets it first (t < P / 2)
/// correlates it, and at t = P / 2 (P even) the two split its pairs by the parity of i + j. So the
/// ring stops after P / 2 steps and every process correlates about 1 / P of all pairs.
struct RingPlan {
    let processCount: Int
    let rank: Int
    /// Steps after the own block: floor(P / 2).
    var steps: Int { processCount / 2 }
    /// Process whose block is held at step t.
    func block(at step: Int) -> Int { (rank + step) % processCount }
    var left: Int { (rank + processCount - 1) % processCount }
    var right: Int { (rank + 1) % processCount }

    /// Whether this process correlates pair (i, j), i own, j in the block held at `step` (>= 1).
    func correlates(_ i: Int, _ j: Int, step: Int) -> Bool {
        guard 2 * step == processCount else { return true }
        let lower = rank < block(at: step)
        return ((i + j) % 2 == 0) == lower
    }
}
