import Foundation

/// Lines to standard output and standard error straight to the file descriptor, so a long run
/// shows them at once even into a pipe. A closed pipe is not an error (SIGPIPE is ignored, see
/// `Interrupt`): the command carries on and its files are still written.
enum Console {
    static func out(_ text: String) { write(STDOUT_FILENO, text) }
    static func error(_ text: String) { write(STDERR_FILENO, text) }

    private static func write(_ descriptor: Int32, _ text: String) {
        var bytes = Array(text.utf8)[...]
        while !bytes.isEmpty {
            let written = bytes.withUnsafeBytes { Foundation.write(descriptor, $0.baseAddress!, $0.count) }
            if written < 0 && errno == EINTR { continue }
            guard written > 0 else { return }
            bytes = bytes.dropFirst(written)
        }
    }
}

/// A request the command refuses once it runs (a usage error found after parsing): printed as
/// "Error: …" without the usage text, exit status 1.
struct CommandError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
