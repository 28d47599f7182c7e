/// The number of the first frame in a plain CSV (`--frame-base`).
enum FrameBase: Int, CaseIterable {
    case zero = 0, one = 1
}
