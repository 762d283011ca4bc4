import INRCore

/// The kernels compiled for Skylake-SP and later (`-target-cpu skylake-avx512`, see
/// Package.swift): 512-bit vectors and fused multiply-add. Select only where the CPU reports
/// AVX-512 F/CD/BW/DQ/VL.
public struct AVX512Kernels: KernelTier {
    public typealias Arithmetic = AVX512Arithmetic
    public init() {}
    public var instructionSet: InstructionSet { .avx512 }
}

/// `accumulator += a * b` as one `vfmadd231ps` on a zmm register.
public enum AVX512Arithmetic: MultiplyAdd {
    @inlinable public static var widestGroup: Int { 4 }

    @inlinable @inline(__always)
    public static func accumulate(_ accumulator: inout Vector, _ a: Vector, _ b: Vector) {
        accumulator.addProduct(a, b)
    }
}
