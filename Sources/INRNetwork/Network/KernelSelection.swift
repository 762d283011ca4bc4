import Foundation
import INRCore
import INRKernelsAVX2
import INRKernelsAVX512

/// Chooses the kernel set for this CPU.
///
/// The best tier the CPU runs is used unless the environment variable `INR_ISA` names a lower
/// one (`portable`, `avx2`, `avx512`): that is how tests and users force the fallback path.
/// Dense products go through inr's own kernels on AVX2 and AVX-512 and through OpenBLAS on the
/// portable tier, where OpenBLAS is faster (see `BLASKernels`); `INR_GEMM=own|blas` overrides.
public enum KernelSelection {
    public enum Products: String, CaseIterable, Sendable {
        /// inr's register-blocked kernels.
        case own
        /// OpenBLAS `sgemm` plus the tier's elementwise kernels.
        case blas
    }

    /// The kernel set of one tier. Never hand out a tier the CPU cannot run.
    public static func make(_ instructionSet: InstructionSet, products: Products? = nil) -> any KernelSet {
        let tier: any KernelSet =
            switch instructionSet {
            case .portable: PortableKernels()
            case .avx2: AVX2Kernels()
            case .avx512: AVX512Kernels()
            }
        switch products ?? defaultProducts(for: instructionSet) {
        case .own: return tier
        case .blas: return BLASKernels(base: tier)
        }
    }

    /// Where each is faster on the machines measured (docs/performance.md).
    public static func defaultProducts(for instructionSet: InstructionSet) -> Products {
        instructionSet == .portable ? .blas : .own
    }

    /// `INR_ISA` if set and supported, else the CPU's best tier.
    public static func preferredInstructionSet(
        environment: [String: String] = ProcessInfo.processInfo.environment,
        cpu: CPUFeatures = .current
    ) throws -> InstructionSet {
        guard let requested = environment["INR_ISA"], !requested.isEmpty else {
            return cpu.bestInstructionSet
        }
        guard let instructionSet = InstructionSet(rawValue: requested) else {
            throw KernelSelectionError.unknown(variable: "INR_ISA", value: requested, choices: InstructionSet.allCases.map(\.rawValue))
        }
        guard cpu.supportedInstructionSets.contains(instructionSet) else {
            throw KernelSelectionError.unsupported(instructionSet, best: cpu.bestInstructionSet)
        }
        return instructionSet
    }

    /// The kernels of decoding: fused multiply-add on every tier, inr's own products, so a
    /// file renders to the same bytes on any CPU and thread count (AVX-512 and AVX2 round
    /// alike; without FMA the fused operation is computed in software, slowly). `INR_ISA`
    /// still selects the tier.
    public static func decoding(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> any KernelSet {
        switch try preferredInstructionSet(environment: environment) {
        case .avx512: AVX512Kernels()
        case .avx2: AVX2Kernels()
        case .portable: PortableFusedKernels()
        }
    }

    /// The kernels every fit uses unless told otherwise (`INR_ISA`, `INR_GEMM`).
    public static func preferred(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> any KernelSet {
        let instructionSet = try preferredInstructionSet(environment: environment)
        var products: Products?
        if let requested = environment["INR_GEMM"], !requested.isEmpty {
            guard let choice = Products(rawValue: requested) else {
                throw KernelSelectionError.unknown(variable: "INR_GEMM", value: requested, choices: Products.allCases.map(\.rawValue))
            }
            products = choice
        }
        return make(instructionSet, products: products)
    }
}

public enum KernelSelectionError: Error, CustomStringConvertible {
    case unknown(variable: String, value: String, choices: [String])
    case unsupported(InstructionSet, best: InstructionSet)

    public var description: String {
        switch self {
        case .unknown(let variable, let value, let choices):
            "\(variable)=\(value) is not one of " + choices.joined(separator: ", ")
        case .unsupported(let requested, let best):
            "INR_ISA=\(requested.rawValue) is not supported by this CPU (best: \(best.rawValue))"
        }
    }
}
