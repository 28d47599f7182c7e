/// Whether `estimate` uses fiducial beads (`--fiducials`): `none`, or `auto` (found in the data,
/// tracked, and used in the frames where they are present, `FiducialDrift`).
public enum FiducialMode: String, CaseIterable, Sendable {
    case none
    case auto
}
