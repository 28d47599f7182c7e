// The shared test helpers (TemporaryDirectory, Fixtures, ...) for every file of this target,
// without an import in each.
@_exported import DriftTestSupport
