import Foundation
import INRCore

/// Process set-up that must happen before any library does work.
enum Launcher {
    /// OpenBLAS chooses its kernels when it is loaded, from `OPENBLAS_CORETYPE`; Debian's
    /// 0.3.21 mistakes recent Xeons for a 2004 Prescott without it. Setting the variable from
    /// `main` is too late, so the process sets it and executes itself again, once. The core is
    /// chosen from the CPU's features: SkylakeX only where AVX-512 is present.
    static func prepareProcess() {
        let environment = ProcessInfo.processInfo.environment
        if environment["OPENBLAS_CORETYPE"] == nil, let core = CPUFeatures.current.openBLASCoreType {
            setenv("OPENBLAS_CORETYPE", core, 1)
            let arguments = CommandLine.unsafeArgv
            execv("/proc/self/exe", arguments)
            // execv returned: carry on with OpenBLAS's own choice, only slower.
        }
        BLAS.useSingleThread()
    }
}
