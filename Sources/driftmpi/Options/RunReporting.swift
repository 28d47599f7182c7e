import ArgumentParser

/// Progress lines and the JSON summary of a run: the options `estimate` and `apply` share.
struct RunReporting: ParsableArguments {
    @Flag(help: "No progress lines.")
    var quiet = false

    @Flag(name: .customLong("log-json"), help: "Progress as one JSON object per line on standard error (messages, and phases with done, total, percent and ETA), for scripts.")
    var logJSON = false

    @Option(name: .customLong("summary"), help: "Also write a JSON summary of the run to this file (input, output, parameters, figures, timings, ranks, wall time; rank 0, after the run).")
    var summaryPath: String?
}
