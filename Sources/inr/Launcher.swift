import Foundation
import INRCore

/// Process set-up that must happen before any library does work.
enum Launcher {
    /// OpenBLAS chooses its kernels when it is loaded, from `OPENBLAS_CORETYPE`; Debian's
    /// 0.3.21 mistakes recent Xeons for a 2004 Prescott without it. It also starts a thread per
    /// core when it is loaded, unless `OPENBLAS_NUM_THREADS` says otherwise, and those threads
    /// spin on `sched_yield` for a while: on 2 cores they took a third of the CPU from a 100 ms
    /// decode (kodim23 on 2 threads: medians of 130–131 ms with them, 91–97 without). inr runs OpenBLAS on
    /// one thread anyway. Setting the variables from `main` is too late, so when
    /// `OPENBLAS_CORETYPE` is not set the process sets it, and `OPENBLAS_NUM_THREADS` = 1
    /// unless the user set that, and executes itself again, once. With `OPENBLAS_CORETYPE` set
    /// nothing is re-executed (tests rely on that). The core is chosen from the CPU's
    /// features: SkylakeX only where AVX-512 is present.
    static func prepareProcess() {
        let environment = ProcessInfo.processInfo.environment
        if environment["OPENBLAS_CORETYPE"] == nil, let core = CPUFeatures.current.openBLASCoreType {
            setenv("OPENBLAS_CORETYPE", core, 1)
            if environment["OPENBLAS_NUM_THREADS"] == nil { setenv("OPENBLAS_NUM_THREADS", "1", 1) }
            let arguments = CommandLine.unsafeArgv
            execv("/proc/self/exe", arguments)
            // execv returned: carry on with OpenBLAS's own choices, only slower.
        }
        BLAS.useSingleThread()
    }
}
