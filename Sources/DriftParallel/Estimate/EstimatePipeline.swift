import DriftCore
import DriftIO
import Foundation

/// Drift from a localisation table (`LocalisationEstimate`) or an image stack (`StackEstimate`) on
/// every process of a communicator. The options are checked first (every rank alone, so they agree
/// without talking), then the input decides the path.
public struct EstimatePipeline {
    public let options: EstimateOptions
    public let communicator: Communicator

    public init(options: EstimateOptions, communicator: Communicator) {
        self.options = options
        self.communicator = communicator
    }

    public func run() throws -> EstimateSummary {
        let comm = communicator, o = options
        let progress = Progress(communicator: comm, quiet: o.output.quiet, json: o.output.logJSON)
        try comm.collectively { try validate() }
        if ImageStacks.isImageStack(o.input) {
            guard o.output.writeCorrected == nil else {
                throw CollectiveFailure(message: "\(o.input): --write-corrected is for localisations; correct an image stack with 'driftmpi apply'", rank: 0)
            }
            return try StackEstimate(options: o, communicator: comm).run(progress: progress)
        }
        return try LocalisationEstimate(options: o, communicator: comm).run(progress: progress)
    }

    /// Checks of the options and paths that need no data (every rank makes them alone, but the output
    /// paths, which rank 0 checks for all: the check creates a probe file, which a thousand ranks
    /// need not do on a shared file system).
    func validate() throws {
        let o = options
        try o.validate()
        guard FileManager.default.fileExists(atPath: o.input) else { throw FileFormatError(o.input, "no such file") }
        var outputs = [o.output.path]
        if let c = o.output.writeCorrected {
            guard URL(fileURLWithPath: c).standardizedFileURL != URL(fileURLWithPath: o.output.path).standardizedFileURL else {
                throw OptionError("\(c): --write-corrected names the result file")
            }
            outputs += OutputPaths.correctedFiles(c, input: o.input)
        }
        guard communicator.isRoot else { return }
        try OutputPaths.check(outputs + o.output.laterOutputs,
                              inputs: OutputPaths.inputFiles(o.input) + (o.output.truth.map { [$0] } ?? []),
                              replacing: o.output.replaceOutputs)
    }
}
