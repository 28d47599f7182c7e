extension SIMD8 where Scalar == Float {
    /// `counts` as floats, lane by lane. The generic conversion `SIMD8<Float>(_:)` is not always inlined
    /// into the kernels' loops (then it is a call a point, with the loop's registers saved around it);
    /// these lanes are.
    @inline(__always) init(lanesOf c: SIMD8<Int32>) {
        self.init(Float(c[0]), Float(c[1]), Float(c[2]), Float(c[3]), Float(c[4]), Float(c[5]), Float(c[6]), Float(c[7]))
    }
}
