/// A file that could not be read or written — an input, an output, a media file — with the file
/// named: "PATH: REASON".
public struct MediaError: Error, CustomStringConvertible {
    public let path: String
    public let reason: String

    public init(path: String, reason: String) {
        self.path = path
        self.reason = reason
    }

    public var description: String { "\(path): \(reason)" }
}
