import INRCore

/// The kernels compiled for Haswell and later (`-target-cpu haswell`, see Package.swift):
/// 256-bit vectors and fused multiply-add. Select only where the CPU reports AVX2 and FMA.
public struct AVX2Kernels: KernelTier {
    public typealias Arithmetic = AVX2Arithmetic
    public init() {}
    public var instructionSet: InstructionSet { .avx2 }
}

/// `accumulator += a * b` as two `vfmadd231ps` on ymm registers.
public enum AVX2Arithmetic: MultiplyAdd {
    @inlinable public static var widestGroup: Int { 1 }

    @inlinable @inline(__always)
    public static func accumulate(_ accumulator: inout Vector, _ a: Vector, _ b: Vector) {
        accumulator.addProduct(a, b)
    }
}
