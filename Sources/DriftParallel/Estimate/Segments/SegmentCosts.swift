import DriftCore

/// Estimated cost of each segment to the rank that owns it, ns, from the phase timings on the 2-core
/// test machine (docs/benchmarks.md): about 170 ns per localisation to read and render it and 300 ns
/// more for its part of the refinement (correcting it and sending it to the ranks of its tiles each
/// pass; the alignment itself is shared by tiles of the field, `TiledAlignment`, whoever owns the
/// segment); about 10 ns per bin to transform its render (50 for MCC's rounds) and 5 ns per bin for
/// each of its pairs.
struct SegmentCosts: Equatable {
    var method: CorrelationMethod
    var refine: Bool

    /// Per localisation, ns.
    var perLocalisation: Double { 170.0 + (refine ? 300 : 0) }
    /// Per render bin for the transform, ns.
    var perBin: Double { method == .mcc ? 50.0 : 10.0 }
    /// Per render bin for each pair, ns.
    static let perBinAndPair = 5.0

    /// The costs of segments holding `rows` localisations each, renders of `binsPerRender` bins, ns.
    func costs(rows: [Int64], schedule: PairSchedule, binsPerRender: Double) -> [Int64] {
        rows.indices.map { k in
            Int64(Double(rows[k]) * perLocalisation + binsPerRender * (perBin + Self.perBinAndPair * Double(schedule.partners(of: k).count)))
        }
    }
}
