import DriftCore

/// The spectra of segments on one render grid: a process's own, and others' it has received.
struct Channel {
    var grid: RenderGrid
    var correlator: CrossCorrelator
    var spectra: [Int: Spectrum] = [:]
}

/// Who sends which spectra to whom for windowed RCC and DCC: a process correlates its own segments
/// with the next K, so it needs the spectra of the first K segments after its own range, which
/// belong to the following processes. Every process works the plan out alike from the ownership.
struct HaloPlan {
    /// Segments this process receives, with the process each comes from.
    var receive: [(segment: Int, from: Int)] = []
    /// For each own segment, the processes it goes to.
    var send: [Int: [Int]] = [:]

    init(ownership: Ownership, rank: Int, lastPartner: (Int) -> Int) {
        let own = ownership.segments(of: rank)
        if let last = own.last {
            for j in own.upperBound..<(lastPartner(last) + 1) { receive.append((j, ownership.owner(of: j))) }
        }
        for q in 0..<ownership.processCount where q != rank {
            let theirs = ownership.segments(of: q)
            guard let last = theirs.last else { continue }
            for j in theirs.upperBound..<(lastPartner(last) + 1) where own.contains(j) { send[j, default: []].append(q) }
        }
    }

    /// Message tag of segment j's spectrum on channel c for the process whose own range ends at `end`.
    static func tag(segment j: Int, channel c: Int, channels: Int, receiverEnd end: Int) -> Int {
        (j - end) * channels + c
    }
}

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
