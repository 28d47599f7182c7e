import DriftCore
import DriftIO
import DriftTestSupport
import Foundation
import XCTest

/// `driftmpi drift combine | smooth | import-pyme | export-csv` run as the built binary, alone and under
/// mpirun with 2 ranks (rank 0 works, every rank exits with the same code).
final class DriftCommandTests: XCTestCase {
    /// A scratch directory with sim.hdf5 and its estimate e.h5 (refined), made once for the class.
    static let data: TemporaryDirectory = {
        let dir = try! TemporaryDirectory.simulated("drift-commands", seed: 21)
        let r = try! dir.run(["estimate", "sim.hdf5", "-o", "e.h5", "--quiet"], timeout: 300)
        XCTAssertEqual(r.status, 0, r.stderr)
        return dir
    }()

    static let fixtures = Fixtures.path("pyme")

    override class func tearDown() { data.remove() }

    func run(_ args: [String], ranks: Int = 0, file: StaticString = #filePath, line: UInt = #line) throws -> DriftmpiProcess.Outcome {
        let r = try Self.data.run(args, ranks: ranks, timeout: 120)
        XCTAssertFalse(r.timedOut, "\(args) hung", file: file, line: line)
        return r
    }

    func read(_ name: String) throws -> DriftResult { try Self.data.result(name) }

    func string(_ r: DriftResult, _ name: String) -> String? {
        if case .string(let s)? = r.attributes[name] { return s }
        return nil
    }

    func testCombineOfTwoPartsIsTheWhole() throws {
        let whole = try read("e.h5")
        // Two curves with A + B = whole, written through DriftFile (no segments, a few attributes).
        for (name, scale) in [("a.h5", 0.3), ("b.h5", 0.7)] {
            var part = DriftResult()
            part.frames = whole.frames
            part.drift = whole.drift.map { $0 * scale }
            part.attributes = ["command": .string("part"), "driftmpi_version": .string("0.0.test"),
                               "method": whole.attributes["method"]!, "frame_base": whole.attributes["frame_base"] ?? .int(0)]
            try DriftFile.write(part, to: Self.data.file(name))
        }
        let r = try run(["drift", "combine", "a.h5", "b.h5", "-o", "c.h5"], ranks: 2)
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("combined 2 drift curves on \(whole.frames.count) frames"), r.stdout)
        let c = try read("c.h5")
        XCTAssertEqual(c.frames, whole.frames)
        XCTAssertEqual(c.drift.count, whole.drift.count)
        for (a, b) in zip(c.drift, whole.drift) {
            XCTAssertEqual(a.x, b.x, accuracy: 1e-9)
            XCTAssertEqual(a.y, b.y, accuracy: 1e-9)
            XCTAssertEqual(a.z, b.z, accuracy: 1e-9)
        }
        XCTAssertTrue(c.segmentCentreFrame.isEmpty && c.segmentDrift.isEmpty && c.pairI.isEmpty)
        XCTAssertEqual(string(c, "command"), "combine")
        XCTAssertEqual(string(c, "sources"), ["a.h5", "b.h5"].map { Self.data.file($0) }.joined(separator: "\n"))
        XCTAssertEqual(c.attributes["source_count"], .int(2))
        XCTAssertEqual(string(c, "source_1_command"), "part")
        XCTAssertEqual(string(c, "source_0_driftmpi_version"), "0.0.test")
        XCTAssertEqual(c.attributes["source_0_method"], whole.attributes["method"])
        XCTAssertEqual(string(c, "driftmpi_version"), DriftmpiVersion.string)
        XCTAssertEqual(string(c, "drift_sign"), string(whole, "drift_sign"))
        XCTAssertNotNil(string(c, "created"))
        XCTAssertEqual(c.attributes["frame_base"], whole.attributes["frame_base"] ?? .int(0))
        XCTAssertEqual(c.attributes["dims"], .int(2))
    }

    /// The knots the smoothing uses: segments with a finite drift, and their weights 1 / |sigma|^2
    /// (the reference segment, sigma 0, takes its neighbour's).
    func knots(_ r: DriftResult) -> (centres: [Double], drift: [SIMD3<Double>], weights: [Double]) {
        let k = r.segmentDrift.indices.filter { r.segmentDrift[$0].x.isFinite }
        let variance = k.map { (r.segmentSigma[$0] * r.segmentSigma[$0]).sum() }
        let weights = variance.indices.map { i in 1 / (variance[i] > 0 ? variance[i] : variance[i == 0 ? 1 : i - 1]) }
        return (k.map { r.segmentCentreFrame[$0] }, k.map { r.segmentDrift[$0] }, weights)
    }

    func testSmoothingZeroInterpolatesAndLargeSmoothingIsALine() throws {
        let e = try read("e.h5")
        let (centres, drift, weights) = knots(e)
        XCTAssertGreaterThanOrEqual(centres.count, 6)
        let frames = e.frames.map { Int($0) }

        // Smoothing 0: the interpolating cubic spline through the segment drifts (not the refined /drift).
        var r = try run(["drift", "smooth", "e.h5", "-o", "s0.h5", "--smoothing", "0"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let s0 = try read("s0.h5")
        let interpolated = DriftInterpolation.drift(at: frames, centres: centres, drift: drift)
        XCTAssertEqual(s0.frames, e.frames)
        for (a, b) in zip(s0.drift, interpolated) {
            XCTAssertEqual(a.x, b.x, accuracy: 1e-9)
            XCTAssertEqual(a.y, b.y, accuracy: 1e-9)
        }
        // At the inner segment centres (between two frames: linear between them) it is the segment
        // drift; before the first and after the last it holds their drift.
        XCTAssertEqual(s0.drift[0], drift[0])
        XCTAssertEqual(s0.drift[frames.count - 1], drift[drift.count - 1])
        for (c, d) in zip(centres, drift).dropFirst().dropLast() {
            let k = Int(c.rounded(.down)) - frames[0], u = c - c.rounded(.down)
            let at = s0.drift[k] + u * (s0.drift[k + 1] - s0.drift[k])
            XCTAssertEqual(at.x, d.x, accuracy: 0.01)
            XCTAssertEqual(at.y, d.y, accuracy: 0.01)
        }
        XCTAssertEqual(s0.segmentDrift, e.segmentDrift)
        XCTAssertEqual(s0.segmentCentreFrame, e.segmentCentreFrame)
        XCTAssertEqual(s0.pairShift, e.pairShift)
        XCTAssertTrue(s0.fineCorrection.isEmpty)
        XCTAssertFalse(e.fineCorrection.isEmpty)
        XCTAssertEqual(s0.attributes["smoothing"], .double(0))
        XCTAssertEqual(s0.attributes["order"], .int(3))
        XCTAssertEqual(s0.attributes["source_refinement_ignored"], .int(1))
        XCTAssertEqual(string(s0, "source"), Self.data.file("e.h5"))
        XCTAssertEqual(string(s0, "weights"), "1 / (sigma_x^2 + sigma_y^2 + sigma_z^2) from /segments/sigma")
        XCTAssertEqual(string(s0, "source_method"), string(e, "method"))
        for name in ["frame_base", "first_frame", "dims"] { XCTAssertEqual(s0.attributes[name], e.attributes[name], name) }

        // Very large smoothing: the weighted least-squares line through the segment drifts, held beyond
        // the first and last centre, 0 at the first frame. On 2 ranks.
        r = try run(["drift", "smooth", "e.h5", "-o", "line.h5", "--smoothing", "1e9"], ranks: 2)
        XCTAssertEqual(r.status, 0, r.stderr)
        let line = try read("line.h5")
        XCTAssertEqual(line.drift[0], .zero)
        let sw = weights.reduce(0, +)
        let tm = zip(centres, weights).map { $0 * $1 }.reduce(0, +) / sw
        for axis in 0..<2 {
            let ym = zip(drift, weights).map { $0[axis] * $1 }.reduce(0, +) / sw
            let slope = zip(zip(centres, drift), weights).map { ($0.0 - tm) * ($0.1[axis] - ym) * $1 }.reduce(0, +)
                / zip(centres, weights).map { ($0 - tm) * ($0 - tm) * $1 }.reduce(0, +)
            let fit = { (t: Double) in ym + slope * (t - tm) }
            let anchor = fit(max(centres[0], Double(frames[0])))
            for (f, d) in zip(frames, line.drift) {
                let t = min(max(Double(f), centres[0]), centres[centres.count - 1])
                XCTAssertEqual(d[axis], fit(t) - anchor, accuracy: 0.05, "frame \(f) axis \(axis)")
            }
        }

        // Order 1, smoothing 0: straight lines through the segment drifts.
        r = try run(["drift", "smooth", "e.h5", "-o", "lin.h5", "--smoothing", "0", "--order", "1"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let lin = try read("lin.h5")
        for k in 0..<(centres.count - 1) {
            let f = Int(((centres[k] + centres[k + 1]) / 2).rounded())
            let u = (Double(f) - centres[k]) / (centres[k + 1] - centres[k])
            let expected = drift[k] + u * (drift[k + 1] - drift[k])
            XCTAssertEqual(lin.drift[f - frames[0]].x, expected.x, accuracy: 1e-9)
            XCTAssertEqual(lin.drift[f - frames[0]].y, expected.y, accuracy: 1e-9)
        }
        XCTAssertEqual(lin.attributes["order"], .int(1))
    }

    func testImportPymeGoesThroughThePoints() throws {
        let npz = Self.fixtures + "/drift.npz"
        let archive = try NumpyArchive(path: npz)
        let t = try archive.array("tIndex").values, d = try archive.array("drift").values
        var r = try run(["drift", "import-pyme", npz, "-o", "pyme.h5"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let p = try read("pyme.h5")
        XCTAssertEqual(p.frames.first, 531)
        XCTAssertEqual(p.frames.last, 29530)
        XCTAssertEqual(p.segmentCentreFrame, t)
        for (k, frame) in t.enumerated() {
            let row = Int(frame) - 531
            XCTAssertEqual(p.frames[row], Int64(frame))
            for axis in 0..<3 { XCTAssertEqual(p.drift[row][axis], d[3 * k + axis], accuracy: 1e-9) }
        }
        // NumPy's values for the second and last points.
        XCTAssertEqual(p.drift[1000].x, -94.44363165575754, accuracy: 1e-9)
        XCTAssertEqual(p.drift[1000].y, -27.240424020207172, accuracy: 1e-9)
        XCTAssertEqual(p.drift[p.drift.count - 1], SIMD3(-889.3139014723554, -1148.0638837627685, 0))
        XCTAssertEqual(string(p, "command"), "import-pyme")
        XCTAssertEqual(string(p, "source"), npz)
        XCTAssertEqual(p.attributes["frame_base"], .int(0))
        XCTAssertEqual(p.attributes["dims"], .int(2))

        // --frames N: frames 0..<N, held beyond the points. On 2 ranks.
        r = try run(["drift", "import-pyme", npz, "-o", "pyme31k.h5", "--frames", "31000"], ranks: 2)
        XCTAssertEqual(r.status, 0, r.stderr)
        let q = try read("pyme31k.h5")
        XCTAssertEqual(q.frames, (0..<31000).map { Int64($0) })
        XCTAssertEqual(q.drift[0], .zero)
        XCTAssertEqual(q.drift[30999], p.drift[p.drift.count - 1])
        XCTAssertEqual(Array(q.drift[531...29530]), p.drift)
        XCTAssertEqual(q.attributes["frames_option"], .int(31000))
    }

    func testExportCSVRoundTrip() throws {
        let e = try read("e.h5")
        let r = try run(["drift", "export-csv", "e.h5", "-o", "e.csv"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let csv = try TruthCSV.read(path: Self.data.file("e.csv"))
        XCTAssertEqual(csv.frames, e.frames.map { Int($0) })
        for (a, b) in zip(csv.drift, e.drift) {
            XCTAssertEqual(a.x, b.x, accuracy: 1e-4)
            XCTAssertEqual(a.y, b.y, accuracy: 1e-4)
            XCTAssertEqual(a.z, b.z, accuracy: 1e-4)
        }
        let text = try Self.data.text(of: "e.csv")
        XCTAssertTrue(text.hasPrefix("frame,dx_nm,dy_nm,dz_nm\n"))
    }

    func testBadInputIsOneLineAndExitOneOnEveryRank() throws {
        try? FileManager.default.removeItem(atPath: Self.data.file("strings.npz"))
        try FileManager.default.copyItem(atPath: Self.fixtures + "/strings.npz", toPath: Self.data.file("strings.npz"))
        let cases: [([String], String)] = [
            (["drift", "smooth", "missing.h5", "-o", "bad.h5", "--smoothing", "1"], "missing.h5: no such file"),
            (["drift", "import-pyme", "strings.npz", "-o", "bad.h5"], "strings.npz: member 'tIndex.npy' has dtype '<U8', not numeric"),
            (["drift", "combine", "e.h5", "sim.hdf5", "-o", "bad.h5"], "sim.hdf5: no dataset '/drift/frame' (not a driftmpi result file)"),
            (["drift", "export-csv", "sim.yaml", "-o", "bad.csv"], "sim.yaml: not an HDF5 file"),
        ]
        for (args, problem) in cases {
            for ranks in [0, 2] {
                let r = try run(args, ranks: ranks)
                XCTAssertEqual(r.status, 1, "\(args) at \(ranks) ranks: \(r.stderr)")
                XCTAssertEqual(r.errorLines, ["driftmpi: error: \(problem)"], r.stderr)
                let left = try Self.data.names().filter { $0.contains("bad") }
                XCTAssertEqual(left, [])
            }
        }
        // A command line that is not understood: 64.
        let usage = try run(["drift", "smooth", "e.h5", "-o", "bad.h5", "--smoothing", "1", "--order", "2"])
        XCTAssertEqual(usage.status, 64)
        XCTAssertTrue(usage.stderr.contains("--order must be 3 (cubic) or 1 (linear)"), usage.stderr)
    }
}
