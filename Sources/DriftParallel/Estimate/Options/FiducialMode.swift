/// Whether `estimate` uses fiducial beads (`--fiducials`): `none`; `auto` (found in the data,
/// tracked, and used in the frames where they are present, `FiducialDrift`); or the regions of a
/// file (`FiducialRegions`: a Picasso pick file, `.yaml`, or a CSV of x, y, radius in nm), in which
/// the beads are tracked instead of being looked for.
public enum FiducialMode: Equatable, Sendable {
    case none
    case auto
    case regions(path: String)

    /// `none`, `auto`, or a path ending in `.yaml`, `.yml` or `.csv`.
    public init?(_ text: String) {
        switch text {
        case "none": self = .none
        case "auto": self = .auto
        default:
            let lower = text.lowercased()
            guard [".yaml", ".yml", ".csv"].contains(where: { lower.hasSuffix($0) }) else { return nil }
            self = .regions(path: text)
        }
    }

    /// As given on the command line (and stored as the `fiducials` attribute).
    public var text: String {
        switch self {
        case .none: return "none"
        case .auto: return "auto"
        case .regions(let path): return path
        }
    }
}
