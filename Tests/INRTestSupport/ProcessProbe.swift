import Foundation

/// Runs a command as the reliability probe needs it: with a deadline, optionally a signal at a
/// given moment, and the child's own peak memory. That is `VmHWM` of `/proc/PID/status`, polled
/// every 2 ms while it runs: `wait4`'s `ru_maxrss` cannot be used, because `posix_spawn` shares
/// the test process's memory until `exec`, and Linux charges that memory's high-water mark to
/// the child.
public enum ProcessProbe {
    public struct Outcome: CustomStringConvertible {
        /// The exit status, when the process exited.
        public var exitStatus: Int32?
        /// The signal that ended it, when one did.
        public var signal: Int32?
        public var seconds: Double
        /// Peak resident memory, bytes.
        public var peakMemory: Int
        public var stderr: String
        /// It ran past the deadline and was killed.
        public var timedOut: Bool

        public var description: String {
            (exitStatus.map { "exit \($0)" } ?? "signal \(signal ?? 0)") + String(format: " after %.2f s, %d MB", seconds, peakMemory >> 20)
                + (timedOut ? " (timed out)" : "") + (stderr.isEmpty ? "" : ": " + stderr.prefix(300))
        }
    }

    /// Runs `executable` with `arguments`; sends `signal` `signalAfter` seconds after the
    /// process has blocked the signals it handles (`blockedMask`, read from its main thread's
    /// `SigBlk`: before that it is still being loaded and a signal takes its default action),
    /// if it is still running; SIGKILL at `deadline`.
    public static func run(
        _ executable: String, _ arguments: [String], environment: [String: String] = [:],
        signal: Int32? = nil, signalAfter: Double = 0, blockedMask: UInt64 = 0, deadline: Double = 60, closedStandardOutput: Bool = false
    ) throws -> Outcome {
        let errorFile = try TestSupport.temporaryFolder() + "/stderr"
        defer { try? FileManager.default.removeItem(atPath: URL(fileURLWithPath: errorFile).deletingLastPathComponent().path) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        // A closed standard output: a pipe whose reading end is closed before the child writes.
        var pipeEnds: [Int32] = [-1, -1]
        if closedStandardOutput {
            guard pipe(&pipeEnds) == 0 else { throw TestSupportError("pipe: \(String(cString: strerror(errno)))") }
            posix_spawn_file_actions_adddup2(&actions, pipeEnds[1], 1)
            posix_spawn_file_actions_addclose(&actions, pipeEnds[0])
        } else {
            posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        }
        posix_spawn_file_actions_addopen(&actions, 2, errorFile, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        let merged = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp = merged.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { (argv + envp).forEach { free($0) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, executable, &actions, nil, argv, envp)
        if closedStandardOutput {
            close(pipeEnds[0])
            close(pipeEnds[1])
        }
        guard spawned == 0 else { throw TestSupportError("cannot start \(executable): \(String(cString: strerror(spawned)))") }

        let start = Date()
        var status: Int32 = 0
        var signalled = false, timedOut = false
        var peak = 0
        var ready: Date?
        while true {
            let observed = Self.status(pid)
            peak = max(peak, observed.highWaterMark)
            if ready == nil, observed.blocked & blockedMask == blockedMask { ready = Date() }
            let waited = waitpid(pid, &status, WNOHANG)
            if waited == pid { break }
            if waited < 0 && errno != EINTR { throw TestSupportError("waitpid: \(String(cString: strerror(errno)))") }
            let elapsed = Date().timeIntervalSince(start)
            if let signal, !signalled, let ready, Date().timeIntervalSince(ready) >= signalAfter {
                kill(pid, signal)
                signalled = true
            }
            if elapsed >= deadline, !timedOut {
                kill(pid, SIGKILL)
                timedOut = true
            }
            usleep(2000)
        }
        let seconds = Date().timeIntervalSince(start)
        let exited = status & 0x7f == 0
        return Outcome(
            exitStatus: exited ? (status >> 8) & 0xff : nil, signal: exited ? nil : status & 0x7f, seconds: seconds,
            peakMemory: peak,
            stderr: String(decoding: FileManager.default.contents(atPath: errorFile) ?? Data(), as: UTF8.self), timedOut: timedOut)
    }

    /// The process's peak resident memory so far in bytes (0 once it has exited) and its main
    /// thread's blocked signals (bit n − 1 for signal n).
    static func status(_ pid: pid_t) -> (highWaterMark: Int, blocked: UInt64) {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return (0, 0) }
        func field(_ name: String) -> Substring? {
            text.split(separator: "\n").first { $0.hasPrefix(name + ":") }?.split(whereSeparator: { $0 == " " || $0 == "\t" }).dropFirst().first
        }
        let kilobytes = field("VmHWM").flatMap { Int($0) } ?? 0
        let blocked = field("SigBlk").flatMap { UInt64($0, radix: 16) } ?? 0
        return (kilobytes * 1024, blocked)
    }
}
