import Foundation
import INRCore
import INRMedia

/// The last stage of every codec's compression: write the file atomically, read it back from
/// disk, decode it, verify the decoding and time it. Every figure a report gives comes from
/// the file as written.
///
///     bytes ─► AtomicFile ─► output ─► read back ─► decode ─► verify ─► Published
///                                                           └─ fails: output removed, error
public enum CodecJob {
    /// What was published.
    public struct Published<Decoded> {
        /// The file's bytes, as read back.
        public var bytes: [UInt8]
        public var decoded: Decoded
        /// Reading the file back and decoding it.
        public var decodeSeconds: Double
    }

    /// Writes `bytes` to `output`, then reads the file back and decodes it with `decode`;
    /// `verify` may refuse the result (a lossless file that is not), which removes the file.
    public static func publish<Decoded>(
        _ bytes: [UInt8], to output: String, decode: ([UInt8]) throws -> Decoded,
        verify: (Decoded) throws -> Void = { _ in }
    ) throws -> Published<Decoded> {
        try AtomicFile.write(Data(bytes), to: output)
        do {
            let start = Date()
            let written = [UInt8](try Data(contentsOf: URL(fileURLWithPath: output)))
            let decoded = try decode(written)
            let seconds = Date().timeIntervalSince(start)
            try verify(decoded)
            return Published(bytes: written, decoded: decoded, decodeSeconds: seconds)
        } catch {
            try? FileManager.default.removeItem(atPath: output)
            throw error
        }
    }
}
