import DriftTestSupport
import Foundation
import XCTest

/// The command line itself: shell completions from the argument parser, help with examples for
/// every command, and the documented exit codes.
final class CommandLineTests: XCTestCase {
    func testCompletionScripts() throws {
        for shell in ["bash", "zsh", "fish"] {
            let r = try DriftmpiProcess.run(["--generate-completion-script", shell], in: NSTemporaryDirectory())
            XCTAssertEqual(r.status, 0, shell)
            for command in ["estimate", "apply", "simulate", "drift"] {
                XCTAssertTrue(r.stdout.contains(command), "\(shell) completion lacks \(command)")
            }
        }
    }

    func testEveryCommandHasHelpWithAnExample() throws {
        let commands: [[String]] = [["estimate"], ["apply"], ["simulate", "locs"], ["simulate", "stack"],
                                    ["drift", "combine"], ["drift", "smooth"], ["drift", "import-pyme"], ["drift", "export-csv"]]
        for c in commands {
            let r = try DriftmpiProcess.run(c + ["--help"], in: NSTemporaryDirectory())
            XCTAssertEqual(r.status, 0, "\(c)")
            XCTAssertTrue(r.stdout.contains("driftmpi " + c.joined(separator: " ")), "\(c): no example in --help")
        }
    }

    func testExitCodes() throws {
        let usage = try DriftmpiProcess.run(["estimate", "--no-such-option"], in: NSTemporaryDirectory())
        XCTAssertEqual(usage.status, 64)
        let failure = try DriftmpiProcess.run(["estimate", "/no/such/file.hdf5", "-o", "x.h5"], in: NSTemporaryDirectory())
        XCTAssertEqual(failure.status, 1)
        XCTAssertEqual(failure.errorLines, ["driftmpi: error: /no/such/file.hdf5: no such file"])
    }

    func testEstimatePlotsBesideTheResult() throws {
        let dir = try TemporaryDirectory.simulated("plot-beside", seed: 13)
        defer { dir.remove() }
        let r = try dir.run(["estimate", "sim.hdf5", "-o", "run1.h5", "--plot", "--quiet"], ranks: 2)
        XCTAssertEqual(r.status, 0, r.stderr)
        let svg = try dir.text(of: "run1.svg")
        XCTAssertTrue(svg.contains("Drift of sim.hdf5"))
        let png = try dir.contents(of: "run1.png")
        XCTAssertEqual(Array(png.prefix(8)), [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
    }
}
