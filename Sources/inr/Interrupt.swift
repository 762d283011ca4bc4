import Foundation
import INRCore
import Synchronization

/// Signals, for every command. SIGINT, SIGTERM and SIGHUP end the process with status 128 + the
/// signal's number after removing every temporary output and saying which outputs were already
/// published (unnamed temporaries need no removal: they vanish with the process, even on
/// SIGKILL). While a fit runs with `gracefulStop` on, the first SIGINT only asks it to stop after
/// the current step and go on with the best weights; a second one ends the process. SIGPIPE is
/// ignored: a closed standard output does not kill a command, and a write to a closed pipe is an
/// error naming the output.
///
/// The three signals are blocked in every thread from the first line of `main` (and across the
/// launcher's re-execution, which keeps the mask and any pending signal) and taken by one thread
/// in `sigwait`, so the handling is ordinary code (locks, messages), not a signal handler.
/// Threads that a library started while it loaded, before `main` (OpenBLAS's, when there was no
/// re-execution), do not block them: a handler forwards a signal that lands on one of them to
/// the `sigwait` thread, so no signal takes its default action once `main` runs.
final class Interrupt: Sendable {
    static let shared = Interrupt()

    private let requested = Atomic<Bool>(false)
    private let graceful = Atomic<Bool>(false)
    /// What the first SIGINT of a graceful stop says the command will do.
    nonisolated(unsafe) var gracefulMessage = "finishing with the best weights so far"
    /// The `sigwait` thread, written once before the forwarding handlers are installed.
    nonisolated(unsafe) fileprivate static var signalThread = pthread_t()

    /// A stop was asked for (the fit ends after its current step).
    var isRequested: Bool { requested.load(ordering: .relaxed) }

    /// Whether the first SIGINT asks the fit to stop rather than ending the process.
    var gracefulStop: Bool {
        get { graceful.load(ordering: .relaxed) }
        set { graceful.store(newValue, ordering: .relaxed) }
    }

    static let handled = [SIGINT, SIGTERM, SIGHUP]

    private static var handledSet: sigset_t {
        var set = sigset_t()
        sigemptyset(&set)
        for number in handled { sigaddset(&set, number) }
        return set
    }

    /// Blocks the handled signals in this thread and every thread it starts, starts the thread
    /// that takes them and installs the forwarding handlers; called first thing in `main`,
    /// before any other thread of ours exists.
    func install() {
        signal(SIGPIPE, SIG_IGN)
        var blocked = Self.handledSet
        pthread_sigmask(SIG_BLOCK, &blocked, nil)
        let created = pthread_create(&Self.signalThread, nil, { _ in
            var set = Interrupt.handledSet
            while true {
                var number: Int32 = 0
                guard sigwait(&set, &number) == 0 else { continue }
                Interrupt.shared.handle(number)
            }
        }, nil)
        precondition(created == 0, "cannot start the signal thread")
        var action = sigaction()
        action.__sigaction_handler.sa_handler = { number in pthread_kill(Interrupt.signalThread, number) }
        sigemptyset(&action.sa_mask)
        action.sa_flags = SA_RESTART
        for number in Self.handled { sigaction(number, &action, nil) }
    }

    private func handle(_ number: Int32) {
        if number == SIGINT, gracefulStop, !requested.exchange(true, ordering: .relaxed) {
            Console.error("\ninterrupted: \(gracefulMessage) (Ctrl-C again to abort, writing nothing more)\n")
            return
        }
        requested.store(true, ordering: .relaxed)
        OutputFile.abandon(status: 128 + number) { published, partlyWritten in
            let name = number == SIGINT ? "SIGINT" : number == SIGTERM ? "SIGTERM" : "SIGHUP"
            var said = published.isEmpty
                ? "no output was written" : "kept \(published.joined(separator: ", ")) (complete); nothing else was written"
            if !partlyWritten.isEmpty { said += "; \(partlyWritten.joined(separator: ", ")) (written in place) got part of its output" }
            return "\ninterrupted (\(name)): \(said)\n"
        }
    }
}
