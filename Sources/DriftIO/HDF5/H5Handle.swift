import CDriftShim
import CHDF5
import Foundation

/// An HDF5 identifier that is closed when the value goes away.
final class H5Handle {
    let id: hid_t
    private let close: (hid_t) -> herr_t
    init(_ id: hid_t, close: @escaping (hid_t) -> herr_t) {
        self.id = id
        self.close = close
    }
    deinit { if id >= 0 { _ = close(id) } }
}
