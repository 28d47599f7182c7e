import DriftTestSupport
import Foundation
import XCTest

/// Every command that writes files refuses an output that exists (the main output or any other file
/// it would write): one line naming it, exit 1 on every rank, before any work, nothing written. With
/// --force the same command replaces it.
final class OverwriteTests: XCTestCase {
    func testEveryWritingCommandRefusesAnExistingOutputUnlessForced() throws {
        let dir = try TemporaryDirectory.simulated("overwrite", seed: 23)
        defer { dir.remove() }
        let e = try dir.run(["estimate", "sim.hdf5", "-o", "e.h5", "--quiet", "--no-refine"])
        XCTAssertEqual(e.status, 0, e.stderr)
        // A Picasso table named .h5: its corrected copy has a .yaml too, whatever the extension.
        try FileManager.default.copyItem(atPath: dir.file("sim.hdf5"), toPath: dir.file("pic.h5"))
        try FileManager.default.copyItem(atPath: dir.file("sim.yaml"), toPath: dir.file("pic.yaml"))
        let npz = Fixtures.path("pyme/drift.npz")
        // Each command, and the one of its outputs that exists beforehand.
        let cases: [(args: [String], existing: String)] = [
            (["simulate", "locs", "s.hdf5", "--frames", "300", "--sites", "50"], "s_truth.csv"),
            (["simulate", "stack", "st.h5", "--frames", "4", "--size", "32", "--locs", "stl.hdf5"], "stl.yaml"),
            (["estimate", "sim.hdf5", "-o", "e2.h5", "--quiet", "--no-refine"], "e2.h5"),
            (["estimate", "sim.hdf5", "-o", "e3.h5", "--quiet", "--no-refine", "--plot"], "e3.png"),
            (["estimate", "sim.hdf5", "-o", "e4.h5", "--quiet", "--no-refine", "--summary", "e4.json"], "e4.json"),
            (["estimate", "sim.hdf5", "-o", "e5.h5", "--quiet", "--no-refine", "--write-corrected", "w.hdf5"], "w.hdf5"),
            (["apply", "e.h5", "sim.hdf5", "-o", "fixed.hdf5", "--quiet"], "fixed.yaml"),
            (["apply", "e.h5", "pic.h5", "-o", "pic_fixed.h5", "--quiet"], "pic_fixed.yaml"),
            (["estimate", "sim.hdf5", "-o", "e6.h5", "--quiet", "--no-refine", "--truth", "sim_truth.csv", "--summary", "e6.json"], "e6.json"),
            (["drift", "combine", "e.h5", "e2.h5", "-o", "c.h5"], "c.h5"),
            (["drift", "smooth", "e.h5", "-o", "sm.h5", "--smoothing", "1"], "sm.h5"),
            (["drift", "import-pyme", npz, "-o", "p.h5"], "p.h5"),
            (["drift", "export-csv", "e.h5", "-o", "e.csv"], "e.csv"),
            (["plot", "e.h5", "-o", "e.svg", "--png", "e.png"], "e.png"),
        ]
        let keep = Data("an earlier result\n".utf8)
        for c in cases {
            let path = dir.file(c.existing)
            try keep.write(to: URL(fileURLWithPath: path))
            let before = try dir.names()
            let refused = try dir.run(c.args, ranks: 2, timeout: 60)
            XCTAssertEqual(refused.status, 1, "\(c.args)")
            XCTAssertEqual(refused.errorLines, ["driftmpi: error: \(c.existing): the output exists; give --force to replace it"],
                           "\(c.args): \(refused.stderr)")
            XCTAssertEqual(try dir.contents(of: c.existing), keep, "\(c.args)")
            XCTAssertEqual(try dir.names(), before, "\(c.args) wrote something")
            let forced = try dir.run(c.args + ["--force"], ranks: 2, timeout: 120)
            XCTAssertEqual(forced.status, 0, "\(c.args): \(forced.stderr)")
            XCTAssertNotEqual(try dir.contents(of: c.existing), keep, "\(c.args) --force did not replace \(c.existing)")
        }
        // Two outputs of one command with the same name, and an output that is a directory.
        let twice = try dir.run(["estimate", "sim.hdf5", "-o", "t.h5", "--summary", "t.h5"], ranks: 2, timeout: 60)
        XCTAssertEqual(twice.errorLines, ["driftmpi: error: t.h5: named for two outputs of one command"], twice.stderr)
        try FileManager.default.createDirectory(atPath: dir.file("folder.h5"), withIntermediateDirectories: false)
        let folder = try dir.run(["estimate", "sim.hdf5", "-o", "folder.h5", "--force"], ranks: 2, timeout: 60)
        XCTAssertEqual(folder.errorLines, ["driftmpi: error: folder.h5: the output is a directory"], folder.stderr)
        // --force never replaces an input: a corrected copy over the input's own .yaml, a summary over the truth.
        let yaml = try dir.run(["apply", "e.h5", "pic.h5", "-o", "pic.hdf5", "--force"], ranks: 2, timeout: 60)
        XCTAssertEqual(yaml.errorLines, ["driftmpi: error: pic.yaml: the output would overwrite the input"], yaml.stderr)
        let truth = try dir.run(["estimate", "sim.hdf5", "-o", "e7.h5", "--truth", "sim_truth.csv", "--summary", "sim_truth.csv", "--force"],
                                ranks: 2, timeout: 60)
        XCTAssertEqual(truth.errorLines, ["driftmpi: error: sim_truth.csv: the output would overwrite the input"], truth.stderr)
        // A stack and its localisations with one stem would both write STEM_truth.csv: a usage error.
        let stem = try dir.run(["simulate", "stack", "same.h5", "--frames", "4", "--size", "32", "--locs", "same.hdf5"])
        XCTAssertEqual(stem.status, 64)
        XCTAssertTrue(stem.stderr.contains("--locs needs another name than the image output (each writes NAME_truth.csv)"), stem.stderr)
    }
}
