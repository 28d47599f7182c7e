/// The curve `drift smooth` draws through the smoothing spline (`--order`).
enum SplineOrder: Int, CaseIterable {
    /// Straight lines through the spline's values at the segment centres.
    case linear = 1
    /// The cubic smoothing spline itself.
    case cubic = 3
}
