/// What `apply` does at frames outside the drift file (`--extrapolate`).
enum Extrapolation: String, CaseIterable {
    /// Such a frame is an error.
    case error
    /// Such a frame takes the drift file's first or last drift.
    case hold
}
