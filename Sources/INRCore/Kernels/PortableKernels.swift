/// The kernels for any CPU: baseline target, multiply then add (no FMA).
public struct PortableKernels: KernelTier {
    public typealias Arithmetic = SeparateMultiplyAdd
    public init() {}
    public var instructionSet: InstructionSet { .portable }
}

/// The portable tier with fused multiply-add done in software: bit-identical to the FMA tiers,
/// for decoding on CPUs without FMA.
public struct PortableFusedKernels: KernelTier {
    public typealias Arithmetic = SoftwareFusedMultiplyAdd
    public init() {}
    public var instructionSet: InstructionSet { .portable }
}
