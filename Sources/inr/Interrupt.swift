import Dispatch
import Foundation
import Synchronization

/// Ctrl-C handling: the first SIGINT asks the fit to stop after the current step (the best
/// weights so far are still written); a second one exits at once.
final class Interrupt: Sendable {
    static let shared = Interrupt()

    private let requested = Atomic<Bool>(false)
    /// Kept alive for the life of the process; written once, on the main thread.
    nonisolated(unsafe) private var source: (any DispatchSourceSignal)?

    var isRequested: Bool { requested.load(ordering: .relaxed) }

    func install() {
        signal(SIGINT, SIG_IGN)
        let signalSource = DispatchSource.makeSignalSource(signal: SIGINT, queue: .global())
        signalSource.setEventHandler { [self] in
            if requested.exchange(true, ordering: .relaxed) {
                FileHandle.standardError.write(Data("\ninterrupted again: exiting without writing outputs\n".utf8))
                _exit(130)
            }
            FileHandle.standardError.write(Data("\ninterrupted: stopping after this step and keeping the best weights (Ctrl-C again to abort)\n".utf8))
        }
        signalSource.resume()
        source = signalSource
    }
}
