import DriftCore

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
