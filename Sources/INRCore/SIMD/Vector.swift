/// The vector type of every kernel: 16 floats, one AVX-512 register (two AVX2 registers, four
/// SSE registers). Activation buffers pad their rows to a multiple of `Vector.scalarCount` so
/// that kernels never need a masked tail.
public typealias Vector = SIMD16<Float>

/// The integer view of a `Vector`, for sign and quadrant tricks.
public typealias VectorBits = SIMD16<UInt32>

/// The number of floats in a `Vector`; every padded row stride is a multiple of it.
@inlinable public var vectorWidth: Int { 16 }

/// Rounds `count` up to a whole number of vectors.
@inlinable
public func paddedWidth(_ count: Int) -> Int {
    (count + vectorWidth - 1) / vectorWidth * vectorWidth
}

extension Vector {
    @inlinable @inline(__always)
    public init(loading pointer: UnsafePointer<Float>) {
        self = UnsafeRawPointer(pointer).loadUnaligned(as: Vector.self)
    }

    @inlinable @inline(__always)
    public func store(to pointer: UnsafeMutablePointer<Float>) {
        UnsafeMutableRawPointer(pointer).storeBytes(of: self, as: Vector.self)
    }

    @inlinable @inline(__always)
    public var bits: VectorBits { unsafeBitCast(self, to: VectorBits.self) }

    @inlinable @inline(__always)
    public init(bits: VectorBits) { self = unsafeBitCast(bits, to: Vector.self) }

    /// Lanes of `other` where `mask` is all ones, lanes of `self` where it is zero.
    ///
    /// Swift's `replacing(with:where:)` builds its `SIMDMask` lane by lane on some targets;
    /// a bitwise select compiles to one `vpternlogd`.
    @inlinable @inline(__always)
    public func selecting(_ other: Vector, where mask: VectorBits) -> Vector {
        Vector(bits: (bits & ~mask) | (other.bits & mask))
    }

    /// All ones in the lanes where `self > 0` (or a NaN with the sign bit clear), zero elsewhere
    /// (-0 included).
    @inlinable @inline(__always)
    public var positiveMask: VectorBits {
        let signed = unsafeBitCast(self, to: SIMD16<Int32>.self)
        // The float is > 0 exactly when its bits are > 0 as a signed integer: then 0 - bits is
        // negative and bits itself is not (the `& ~signed` rules out -0, Int32.min, whose
        // negation wraps to itself).
        let negated = SIMD16<Int32>(repeating: 0) &- signed
        return unsafeBitCast((negated & ~signed) &>> 31, to: VectorBits.self)
    }
}
