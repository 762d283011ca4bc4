/// The kernels for any CPU: baseline target, multiply then add (no FMA).
public struct PortableKernels: KernelTier {
    public typealias Arithmetic = SeparateMultiplyAdd
    public init() {}
    public var instructionSet: InstructionSet { .portable }
}
