/// The curve `driftmpi drift smooth` draws through the segment drifts.
public enum SmoothingOrder: Int, Sendable, CaseIterable {
    /// Straight lines through the cubic smoothing spline's values at the knots.
    case linear = 1
    /// The natural cubic smoothing spline itself (`SmoothingSpline`).
    case cubic = 3
}
