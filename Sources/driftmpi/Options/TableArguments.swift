import DriftCore
import ArgumentParser
import DriftIO
import DriftParallel

/// How to read a localisation table whose file does not say everything (plain CSV), shared by
/// `estimate` and `apply`.
struct TableArguments: ParsableArguments {
    @Option(help: ArgumentHelp("CSV columns holding x, y, z and the frame, e.g. x=xpos,y=ypos,frame=t (default: x, y, z, frame; ThunderSTORM's names for its files). Also names PYME table members (nested with dots).", valueName: "key=name,..."))
    var columns: String?

    @Option(help: "Unit of x and y in a plain CSV: nm or px (px needs --pixel-size-nm). z is always nm.")
    var units = Typed<LengthUnit>(LengthUnit.nm.rawValue)

    @Option(name: .customLong("pixel-size-nm"), help: "Camera pixel size, nm (CSV in pixels).")
    var pixelSizeNm: Double?

    @Option(name: .customLong("frame-base"), help: "Number of the first frame in a plain CSV: 0 or 1 (default 0; ThunderSTORM counts from 1, Picasso and PYME from 0).")
    var frameBase: Typed<FrameBase>?

    func validate() throws {
        _ = try unit
        if let px = pixelSizeNm { guard px > 0, px.isFinite else { throw ValidationError("--pixel-size-nm must be positive") } }
        _ = try base
        if let c = columns { _ = try parsed(c) }
    }

    private func parsed(_ text: String) throws -> [String: String] {
        try OptionError.asValidation { try TableOptions.parseColumns(text) }
    }

    /// `--units`.
    var unit: LengthUnit { get throws { try units.value(or: "--units must be nm or px") } }
    /// `--frame-base`, nil when not given.
    var base: FrameBase? { get throws { try frameBase?.value(or: "--frame-base must be 0 or 1") } }

    /// The table options (after `validate()`).
    var options: TableOptions {
        get throws {
            var t = TableOptions()
            if let c = columns { t.columns = try parsed(c) }
            t.unitsArePixels = try unit == .px
            t.pixelSizeNm = pixelSizeNm
            t.frameBase = try base?.rawValue
            return t
        }
    }
}
