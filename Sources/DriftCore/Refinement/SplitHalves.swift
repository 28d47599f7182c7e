/// The split-halves accuracy estimate of a refined drift: the localisations are split into two
/// independent halves by molecule, each half's drift is refined on its own (`Refinement`, the
/// caller's job), and the whole's expected error is read from the difference of the two.
///
/// **The rule.** A localisation's half depends only on its own drift-corrected x-y position (nm): the
/// cell of side `cellNm` it falls in, hashed (`cellHash`); half A holds the even hashes, half B the
/// odd. One molecule's repeated localisations scatter by the localisation precision around one point,
/// so with cells of several precisions (64 nm by default) nearly all of them fall in one half, and the
/// two halves see different molecules. The rule never looks at the rank, the row order or the frame,
/// so the split is the same at any rank count.
///
/// **The error.** Let each half's drift have an error e_A, e_B, independent, each with about twice the
/// variance 2 s^2 of the whole's error (half the localisations). The whole's estimate is close to the
/// mean of the halves, with error (e_A + e_B) / 2 of variance s^2; the difference A - B = e_A - e_B has
/// variance 4 s^2, so (A - B) / 2 has the whole's variance s^2. The RMS over frames of (A - B) / 2,
/// after removing its mean (a constant offset is not drift), estimates the whole's RMS error per axis.
///
/// **The limit.** Both halves use the same short segments and spline, so drift faster than those
/// segments resolve is missed by both alike and does not appear in A - B: the figure is the error
/// from localisation noise, and a lower bound where the segments are long against the drift's time
/// scale (docs/algorithm.md gives measured cases).
public enum SplitHalves {
    /// Default side of the split cells, nm: several localisation precisions (and 8 x the refinement's
    /// 8 nm kernel), so that one molecule's localisations stay in one half.
    public static let defaultCellNm = 64.0

    /// A hash of the cell (`floor(x / cellNm)`, `floor(y / cellNm)`; x, y in nm) that holds a position:
    /// SplitMix64's finaliser of the two cell indices, the same on every machine.
    public static func cellHash(x: Float, y: Float, cellNm: Double) -> UInt64 {
        let ix = Int64((Double(x) / cellNm).rounded(.down)), iy = Int64((Double(y) / cellNm).rounded(.down))
        var h = UInt64(bitPattern: ix) &* 0x9E37_79B9_7F4A_7C15 ^ UInt64(bitPattern: iy) &* 0xC2B2_AE3D_27D4_EB4F
        h ^= h >> 30
        h = h &* 0xBF58_476D_1CE4_E5B9
        h ^= h >> 27
        h = h &* 0x94D0_49BB_1331_11EB
        h ^= h >> 31
        return h
    }

    /// Whether the localisation at corrected position (`x`, `y`) (nm) is in half B (odd hash); half A
    /// holds the others.
    public static func isInHalfB(x: Float, y: Float, cellNm: Double) -> Bool {
        cellHash(x: x, y: y, cellNm: cellNm) & 1 == 1
    }

    /// Half B membership of each localisation of `locs` corrected by `drift` (nm at each frame of
    /// `firstFrame ... ` in order: `drift[frame - firstFrame]`; corrected = raw - drift).
    public static func halfB(of locs: Localisations, drift: [SIMD3<Double>], firstFrame: Int, cellNm: Double) -> [Bool] {
        (0..<locs.count).map { k in
            let d = drift[Int(locs.frame[k]) - firstFrame]
            return isInHalfB(x: locs.x[k] - Float(d.x), y: locs.y[k] - Float(d.y), cellNm: cellNm)
        }
    }

    /// The rows of `locs` where `keep` is true (in their order), and `segments` (row ranges of `locs`)
    /// carried over to them: the same frame boundaries, the kept rows of each.
    public static func select(_ locs: Localisations, keep: [Bool], segments: [FineSegment]) -> (Localisations, [FineSegment]) {
        precondition(keep.count == locs.count)
        // kept[r] = kept rows before row r.
        let n = locs.count
        let kept = [Int](unsafeUninitializedCapacity: n + 1) { out, count in
            out[0] = 0
            for k in 0..<n { out[k + 1] = out[k] + (keep[k] ? 1 : 0) }
            count = n + 1
        }
        // Every row is written and the next kept one overwrites it where it is not kept: no branch
        // per row (the halves' rows are kept at random, which a branch mispredicts half the time).
        func rowsKept<T: BitwiseCopyable>(_ column: [T]) -> [T] {
            precondition(column.count == n, "a column of another length")
            // One slot more than the rows kept: the last row written may be one not kept.
            return [T](unsafeUninitializedCapacity: kept[n] + 1) { out, count in
                column.withUnsafeBufferPointer { column in
                    keep.withUnsafeBufferPointer { keep in
                        var to = 0
                        for k in 0..<n { (out.baseAddress! + to).initialize(to: column[k]); to += keep[k] ? 1 : 0 }
                        count = to
                    }
                }
            }
        }
        let half = Localisations(frame: rowsKept(locs.frame), x: rowsKept(locs.x), y: rowsKept(locs.y), z: locs.z.map { rowsKept($0) })
        let carried = segments.map {
            FineSegment(firstFrame: $0.firstFrame, lastFrame: $0.lastFrame, rows: kept[$0.rows.lowerBound]..<kept[$0.rows.upperBound])
        }
        return (half, carried)
    }

    /// Expected RMS error per axis (nm) of the whole's drift from the two halves' drifts `a` and `b`
    /// (nm, at the same frames): the RMS of (a - b) / 2 after removing its mean (see the type's notes).
    public static func expectedError(a: [SIMD3<Double>], b: [SIMD3<Double>]) -> SIMD3<Double> {
        DriftAccuracy.rmse(estimated: a, truth: b) / 2
    }
}
