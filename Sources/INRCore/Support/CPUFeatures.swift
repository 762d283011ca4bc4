import Foundation

/// What this CPU can run, read once from `/proc/cpuinfo` (Linux reports only the features the
/// kernel has enabled, so AVX-512 listed there is usable).
public struct CPUFeatures: Sendable {
    public let flags: Set<String>

    public static let current = CPUFeatures(cpuinfo: (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? "")

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
