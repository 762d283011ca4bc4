import Foundation
import INRCore
import INRMedia

/// One media kind of the `.inr` container: what its HEAD's first byte is, which sections
/// follow HEAD, and what `inr decode` and `inr inspect` do with such a file.
///
/// Implementations, one file each beside their kind: `ImageFormat` (1), `LosslessImageFormat`
/// (2), `VideoFormat` (3), `StoredImageFormat` (4), `SegmentedVideoFormat` (5), `LatentImageFormat` (6). A new kind is one such file and one line in `MediaFormats.registered`;
/// the command line dispatches through the registry.
public protocol MediaFormat: Sendable {
    /// HEAD's first byte: stable across versions, never reused.
    static var kind: UInt8 { get }
    /// What `inr inspect` and errors call the kind: "image", "lossless image", "video".
    static var name: String { get }
    /// The lowest container version that holds the kind (`Container.version`): 1, or the
    /// version that added it.
    static var formatVersion: UInt8 { get }
    /// The tags of the sections after HEAD, in file order.
    static var sections: [String] { get }

    /// Decodes `file` (a verified container of this kind), writes it where `request` says and
    /// returns the lines `inr decode` prints. Throws `UnsupportedRequest` for options the kind
    /// refuses, an error naming the file for one that does not decode.
    static func decode(_ file: Container, _ request: DecodeRequest) throws -> [String]

    /// The lines `inr inspect` prints between the file's size and its section list.
    static func describe(_ file: Container) throws -> [String]

    /// The quantised integers tensor by tensor (`inr inspect --symbols`).
    static func symbols(_ file: Container) throws -> [SymbolTensor]
}

extension MediaFormat {
    public static var formatVersion: UInt8 { 1 }

    public static func symbols(_ file: Container) throws -> [SymbolTensor] {
        throw UnsupportedRequest("--symbols is for image files")
    }
}

/// A kind whose file decodes to one image (kinds 1, 2 and 4): `inr decode` writes it as PNG, and
/// `inr eval`, `inr compress` and the tests read it through `ImageDecoder.decode(_:scale:)`,
/// which dispatches here. A new image kind conforms and is read wherever images are.
public protocol ImageMediaFormat: MediaFormat {
    /// The image of `file` (a verified container of this kind) at `scale` times its stored size,
    /// decoded with `decoder`'s kernels, threads and budget.
    static func image(_ file: Container, scale: Double, decoder: ImageDecoder) throws -> Image
}

extension ImageMediaFormat {
    /// The image as PNG.
    public static func decode(_ file: Container, _ request: DecodeRequest) throws -> [String] { try ImageFormat.decodeToPNG(file, request) }
}

/// A kind whose file decodes to one clip (kinds 3 and 5): `inr decode` writes it as .y4m, .mkv
/// or .mp4, and `VideoDecoder.decode(_:)` dispatches here.
public protocol VideoMediaFormat: MediaFormat {
    /// The clip of `file` (a verified container of this kind), decoded with `decoder`'s
    /// kernels, threads and budget; frame i's timestamp is i / rate.
    static func video(_ file: Container, decoder: VideoDecoder) throws -> Video
}

extension VideoMediaFormat {
    /// The clip written as .y4m, .mkv or .mp4.
    public static func decode(_ file: Container, _ request: DecodeRequest) throws -> [String] { try VideoFormat.decodeToFile(file, request) }
}

/// The registry: media kind → format.
public enum MediaFormats {
    /// Every kind this build reads, in kind order; a new kind adds its format here.
    public static let registered: [any MediaFormat.Type] = [
        ImageFormat.self, LosslessImageFormat.self, VideoFormat.self, StoredImageFormat.self, SegmentedVideoFormat.self,
        LatentImageFormat.self,
    ]

    public static func format(kind: UInt8) -> (any MediaFormat.Type)? {
        registered.first { $0.kind == kind }
    }

    /// The format of `kind` if its files are images.
    public static func imageFormat(kind: UInt8) -> (any ImageMediaFormat.Type)? {
        format(kind: kind) as? any ImageMediaFormat.Type
    }

    /// The format of `kind` if its files are clips.
    public static func videoFormat(kind: UInt8) -> (any VideoMediaFormat.Type)? {
        format(kind: kind) as? any VideoMediaFormat.Type
    }

    /// The error for a file of `kind` that is not an image: "this is a video file, not an image".
    public static func notAnImage(_ kind: UInt8) -> String {
        "this is \(format(kind: kind).map(article) ?? "an unknown") file (media kind \(kind)), not an image"
    }

    /// The error for a kind no format reads, naming those that are read.
    static func unknownKind(_ kind: UInt8) -> String {
        let names = registered.map(article), kinds = registered.map { Int($0.kind) }
        return "media kind \(kind) is not \(names.dropLast().joined(separator: ", ")) or \(names.last ?? "")"
            + " (this build reads kinds \(kinds.min() ?? 0) to \(kinds.max() ?? 0))"
    }

    /// The error for a file of `kind` given to a reader of `expected`'s kind.
    static func wrongKind(_ kind: UInt8, expected: any MediaFormat.Type) -> String {
        "this is \(format(kind: kind).map(article) ?? "an unknown") file (media kind \(kind)), not \(article(expected))"
    }

    /// "an image", "a video".
    static func article(_ format: any MediaFormat.Type) -> String {
        ("aeiou".contains(format.name.prefix(1)) ? "an " : "a ") + format.name
    }
}

/// What `inr decode` asks of a file.
public struct DecodeRequest: Sendable {
    /// The .inr file's path, for messages.
    public var file: String
    /// Where to write the decoded media; its type follows the extension.
    public var output: String
    /// The rendering's size as a multiple of the stored size.
    public var scale: Double
    public var threads: Int
    /// The most work the file may ask for (`DecodeBudget.current()` from the command line).
    public var budget: DecodeBudget

    public init(file: String, output: String, scale: Double = 1, threads: Int, budget: DecodeBudget = .standard) {
        self.file = file
        self.output = output
        self.scale = scale
        self.threads = threads
        self.budget = budget
    }

    /// `decode()`, its errors naming the file.
    func decoding<T>(_ decode: () throws -> T) throws -> T {
        do {
            return try decode()
        } catch {
            throw MediaError(path: file, reason: "\(error)")
        }
    }

    /// Creates the folder that will hold the output.
    func createOutputFolder() throws {
        try OutputFile.createFolders(for: [output])
    }
}

/// A request the file's kind cannot satisfy (an option it refuses, an output type it cannot
/// write): a usage error, not a damaged file.
public struct UnsupportedRequest: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// One tensor's quantised integers with their bit width (`inr inspect --symbols`;
/// Tools/coding_comparison.py reads them).
public struct SymbolTensor: Encodable, Sendable {
    public var layer: Int
    public var kind: String
    public var bits: Int
    public var symbols: [Int32]
}
