@preconcurrency import Glibc
import Foundation
import INRCore

/// Lines to standard output and standard error straight to the file descriptor, so a long run
/// shows them at once even into a pipe. A closed pipe is not an error (SIGPIPE is ignored, see
/// `Interrupt`): the command carries on and its files are still written.
enum Console {
    static func out(_ text: String) { OutputFile.writeIgnoringErrors(text, to: STDOUT_FILENO) }
    static func error(_ text: String) { OutputFile.writeIgnoringErrors(text, to: STDERR_FILENO) }

    /// `print` line by line into a file or a pipe too (C's default there is a 4 KiB block): a
    /// cluster job's log shows each group and image as it is done, not when the job ends.
    /// Called once, first thing in `main`.
    static func bufferLines() { setvbuf(stdout, nil, _IOLBF, 0) }
}

/// A request the command refuses once it runs (a usage error found after parsing): printed as
/// "Error: …" without the usage text, exit status 1.
struct CommandError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
