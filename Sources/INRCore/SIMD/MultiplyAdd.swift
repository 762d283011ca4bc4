/// How a kernel computes `accumulator += a * b`.
///
/// The generic kernels are written once against this protocol. A CPU with FMA units uses
/// `addProduct` (one rounding, one instruction); the portable tier, compiled for baseline
/// x86-64 where `fma` would be a libm call per lane, gets `SeparateMultiplyAdd`.
///
/// Each tier module declares its own conforming type, even where the bodies are the same: the
/// type is part of every specialisation's symbol name, so the tiers' copies of a kernel stay
/// distinct at link time (with a shared type the linker would keep one copy, compiled for
/// whichever tier came first, for all of them).
public protocol MultiplyAdd {
    static func accumulate(_ accumulator: inout Vector, _ a: Vector, _ b: Vector)

    /// The widest column block (in `Vector`s: 1, 2 or 4) whose 4-row accumulator tile fits the
    /// register file: 4 on AVX-512 (16 of 32 zmm), 1 where a `Vector` takes two or four
    /// registers (AVX2, SSE), else the tile spills.
    static var widestGroup: Int { get }
}

/// `accumulator += a * b` as a multiply then an add, for CPUs without FMA.
public enum SeparateMultiplyAdd: MultiplyAdd {
    @inlinable public static var widestGroup: Int { 1 }

    @inlinable @inline(__always)
    public static func accumulate(_ accumulator: inout Vector, _ a: Vector, _ b: Vector) {
        accumulator += a * b
    }
}

extension MultiplyAdd {
    /// `a * b + c`.
    @inlinable @inline(__always)
    public static func multiplyAdd(_ a: Vector, _ b: Vector, _ c: Vector) -> Vector {
        var result = c
        accumulate(&result, a, b)
        return result
    }
}

/// `accumulator += a * b` with a single rounding on a CPU without FMA instructions: each lane
/// goes through libm's `fmaf` (correctly rounded, and slow: about 1 GFLOP/s). Decoding uses it
/// there so that a file decodes to the same bytes on every CPU (FMA is IEEE 754's fused
/// multiply-add, so the AVX2 and AVX-512 tiers round alike).
public enum SoftwareFusedMultiplyAdd: MultiplyAdd {
    @inlinable public static var widestGroup: Int { 1 }

    @inlinable @inline(__always)
    public static func accumulate(_ accumulator: inout Vector, _ a: Vector, _ b: Vector) {
        accumulator.addProduct(a, b)
    }
}
