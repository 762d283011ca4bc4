import Foundation
import INRCore
import INRMedia

/// The last stage of every codec's compression: stage the file (unnamed until committed), read
/// it back from disk (a device or pipe output: its bytes), decode it, verify the decoding and
/// time it. Every figure a report gives
/// comes from the file as written; the caller commits it once its other outputs are written too.
///
///     bytes ─► StagedOutput ─► read back ─► decode ─► verify ─► Staged (file uncommitted)
///                                                        └─ fails: the staged file is dropped, error
public enum CodecJob {
    /// What was staged.
    public struct Staged<Decoded> {
        /// The file's bytes, as read back.
        public var bytes: [UInt8]
        public var decoded: Decoded
        /// Reading the file back and decoding it.
        public var decodeSeconds: Double
        /// The output, complete and verified but not yet under its name: `commit()` it.
        public var file: StagedOutput
    }

    /// Stages `bytes` for `output`, then reads them back and decodes them with `decode`;
    /// `verify` may refuse the result (a lossless file that is not), which drops the file.
    public static func stage<Decoded>(
        _ bytes: [UInt8], for output: String, decode: ([UInt8]) throws -> Decoded,
        verify: (Decoded) throws -> Void = { _ in }
    ) throws -> Staged<Decoded> {
        let file = try StagedOutput(output)
        do {
            try file.write(Data(bytes))
            let start = Date()
            // An in-place output (a device, a pipe) gets its bytes at commit and cannot be read
            // back: its bytes are decoded from memory.
            let written = file.isInPlace ? bytes : [UInt8](try Data(contentsOf: URL(fileURLWithPath: file.writePath)))
            let decoded = try decode(written)
            let seconds = Date().timeIntervalSince(start)
            try verify(decoded)
            return Staged(bytes: written, decoded: decoded, decodeSeconds: seconds, file: file)
        } catch {
            file.discard()
            throw error
        }
    }
}
