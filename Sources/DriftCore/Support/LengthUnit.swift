/// The unit of coordinates and drifts: nm, or pixels (camera pixels of a CSV table; raw pixels, and
/// slices in z, of an image stack's drift).
public enum LengthUnit: String, CaseIterable, Sendable {
    case nm, px
}
