import DriftCore
import Foundation

/// Nanometres per `unit` (ImageJ's and OME's names for lengths), nil for units that are not lengths.
func lengthUnitInNm(_ unit: String) -> Double? {
    switch unit.trimmingCharacters(in: .whitespaces) {
    case "nm", "nanometer", "nanometre", "nanometers", "nanometres": return 1
    case "micron", "microns", "um", "µm", "μm", "\\u00B5m", "\\u00b5m", "micrometer", "micrometre",
         "micrometers", "micrometres": return 1000
    case "mm", "millimeter", "millimetre": return 1e6
    case "cm", "centimeter", "centimetre": return 1e7
    case "m", "meter", "metre": return 1e9
    case "pm": return 1e-3
    case "Å", "angstrom": return 0.1
    default: return nil
    }
}
