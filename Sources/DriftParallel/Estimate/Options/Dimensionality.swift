/// Whether drift is measured in x and y only or in x, y and z (`--dims`).
public enum Dimensionality: Int, CaseIterable, Sendable {
    case two = 2, three = 3
}
