/// A file that could not be read or written — an input, an output, a media file — with the file
/// named: "PATH: REASON".
import Foundation

public struct MediaError: Error, CustomStringConvertible {
    public let path: String
    public let reason: String

    public init(path: String, reason: String) {
        self.path = path
        self.reason = reason
    }

    public var description: String { "\(path): \(reason)" }
}

extension MediaError {
    /// The system's words for a Foundation error (its POSIX code through `strerror`), taken
    /// from the error itself rather than from `errno`, which later calls may have changed.
    public static func systemReason(_ error: any Error) -> String {
        let error = error as NSError
        if error.domain == NSPOSIXErrorDomain { return String(cString: strerror(Int32(error.code))) }
        if let underlying = error.userInfo[NSUnderlyingErrorKey] as? NSError, underlying.domain == NSPOSIXErrorDomain {
            return String(cString: strerror(Int32(underlying.code)))
        }
        return error.localizedDescription
    }
}
