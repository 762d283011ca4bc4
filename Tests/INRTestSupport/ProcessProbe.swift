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

    /// Runs `executable` with `arguments`; sends `signal` after `signalAfter` seconds if it is
    /// still running, and SIGKILL at `deadline`.
    public static func run(
        _ executable: String, _ arguments: [String], environment: [String: String] = [:],
        signal: Int32? = nil, signalAfter: Double = 0, deadline: Double = 60, closedStandardOutput: Bool = false
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
        var usage = rusage()
        var signalled = false, timedOut = false
        var peak = 0
        while true {
            peak = max(peak, Self.highWaterMark(pid))
            let waited = wait4(pid, &status, WNOHANG, &usage)
            if waited == pid { break }
            if waited < 0 && errno != EINTR { throw TestSupportError("wait4: \(String(cString: strerror(errno)))") }
            let elapsed = Date().timeIntervalSince(start)
            if let signal, !signalled, elapsed >= signalAfter {
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
        _ = usage
        return Outcome(
            exitStatus: exited ? (status >> 8) & 0xff : nil, signal: exited ? nil : status & 0x7f, seconds: seconds,
            peakMemory: peak,
            stderr: String(decoding: FileManager.default.contents(atPath: errorFile) ?? Data(), as: UTF8.self), timedOut: timedOut)
    }

    /// The process's peak resident memory so far in bytes (0 once it has exited).
    static func highWaterMark(_ pid: pid_t) -> Int {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
              let line = text.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
              let kilobytes = Int(line.split(separator: " ").dropFirst().first ?? "") else { return 0 }
        return kilobytes * 1024
    }
}
