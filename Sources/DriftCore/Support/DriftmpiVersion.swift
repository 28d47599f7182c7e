/// driftmpi's version, stored with every result.
public enum DriftmpiVersion {
    public static let string = "0.1.0"
}
