import ArgumentParser
import DriftCore
import DriftIO
import DriftParallel
import Foundation

struct Simulate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Simulate data with a known drift.",
        subcommands: [SimulateLocs.self, SimulateStack.self]
    )
}
