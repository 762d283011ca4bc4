import CCPUID
import Foundation

/// What this CPU can run, as a set of `/proc/cpuinfo`-style flags.
public struct CPUFeatures: Sendable {
    public let flags: Set<String>

    /// This machine, from CPUID and XGETBV (so an emulator's CPU model, or an OS that does not
    /// save the wide registers, is taken into account, which `/proc/cpuinfo` would not).
    public static let current: CPUFeatures = {
        var flags: Set<String> = []
        if inr_cpu_supports_avx2() != 0 { flags.formUnion(["avx2", "fma"]) }
        if inr_cpu_supports_avx512() != 0 { flags.formUnion(["avx512f", "avx512cd", "avx512bw", "avx512dq", "avx512vl"]) }
        return CPUFeatures(flags: flags)
    }()

    public init(flags: Set<String>) { self.flags = flags }

    /// Features from the text of `/proc/cpuinfo` (its first `flags` line).
    public init(cpuinfo: String) {
        let line = cpuinfo.split(separator: "\n").first { $0.hasPrefix("flags") } ?? ""
        flags = Set(line.split(separator: ":").dropFirst().joined().split(separator: " ").map(String.init))
    }

    public var hasAVX512: Bool {
        ["avx512f", "avx512cd", "avx512bw", "avx512dq", "avx512vl"].allSatisfy(flags.contains)
    }

    public var hasAVX2: Bool { flags.contains("avx2") && flags.contains("fma") }

    /// The best tier this CPU runs.
    public var bestInstructionSet: InstructionSet {
        hasAVX512 ? .avx512 : hasAVX2 ? .avx2 : .portable
    }

    /// The tiers this CPU runs, slowest first.
    public var supportedInstructionSets: [InstructionSet] {
        InstructionSet.allCases.filter { $0 <= bestInstructionSet }
    }

    /// The OpenBLAS core name matching this CPU's best tier (`OPENBLAS_CORETYPE`); Debian's
    /// OpenBLAS 0.3.21 does not recognise recent Xeons and falls back to SSE3 kernels.
    public var openBLASCoreType: String? {
        switch bestInstructionSet {
        case .avx512: "SkylakeX"
        case .avx2: "Haswell"
        case .portable: nil
        }
    }
}
