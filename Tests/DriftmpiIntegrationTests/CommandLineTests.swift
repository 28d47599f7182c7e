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
}
