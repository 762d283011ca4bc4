import CPNG
import Foundation
import INRCore

/// PNG files through libpng's classic API (the only file that imports CPNG).
///
/// 8- and 16-bit gray, gray+alpha, RGB and RGBA are read and written exactly as stored: no
/// gamma, no sRGB conversion (libpng's simplified API would convert 16-bit files). Palette and
/// low-bit gray files are expanded to 8 bits on reading.
public enum PNG {
    /// Images above this many samples are refused before any pixel memory is allocated
    /// (2³⁰ samples: a 16k × 16k RGBA image).
    public static let maximumSampleCount: UInt64 = 1 << 30

    public static func read(_ path: String) throws -> Image {
        var raw = inr_png_image()
        var message = [CChar](repeating: 0, count: Int(INR_PNG_MESSAGE_CAPACITY))
        guard inr_png_read(path, maximumSampleCount, &raw, &message) == 0 else {
            throw MediaError(path: path, reason: messageText(message))
        }
        defer { inr_png_free(&raw) }
        let count = Int(raw.width) * Int(raw.height) * Int(raw.channels)
        guard raw.width > 0, raw.height > 0 else { throw MediaError(path: path, reason: "empty image") }
        let samples: [UInt16]
        if raw.bit_depth == 16 {
            samples = Array(UnsafeBufferPointer(start: raw.samples.assumingMemoryBound(to: UInt16.self), count: count))
        } else {
            samples = UnsafeBufferPointer(start: raw.samples.assumingMemoryBound(to: UInt8.self), count: count).map(UInt16.init)
        }
        return Image(width: Int(raw.width), height: Int(raw.height), channels: Int(raw.channels), bitDepth: Int(raw.bit_depth), samples: samples)
    }

    /// Writes `image` to `path` atomically (a temporary file renamed into place).
    public static func write(_ image: Image, to path: String) throws {
        try AtomicFile.write(to: path) { temporary in
            var message = [CChar](repeating: 0, count: Int(INR_PNG_MESSAGE_CAPACITY))
            let status: Int32
            if image.bitDepth == 16 {
                status = image.samples.withUnsafeBytes { bytes in
                    var raw = rawImage(image, bytes.baseAddress!)
                    return inr_png_write(temporary, &raw, &message)
                }
            } else {
                let bytes = image.samples.map { UInt8(truncatingIfNeeded: $0) }
                status = bytes.withUnsafeBytes { bytes in
                    var raw = rawImage(image, bytes.baseAddress!)
                    return inr_png_write(temporary, &raw, &message)
                }
            }
            guard status == 0 else { throw MediaError(path: path, reason: messageText(message)) }
        }
    }

    private static func messageText(_ message: [CChar]) -> String {
        let bytes = message.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }
        return String(decoding: bytes, as: UTF8.self)
    }

    private static func rawImage(_ image: Image, _ samples: UnsafeRawPointer) -> inr_png_image {
        inr_png_image(
            width: UInt32(image.width), height: UInt32(image.height), channels: UInt32(image.channels),
            bit_depth: UInt32(image.bitDepth), samples: UnsafeMutableRawPointer(mutating: samples))
    }
}

/// A media file that could not be read or written, with the file named.
public struct MediaError: Error, CustomStringConvertible {
    public let path: String
    public let reason: String

    public init(path: String, reason: String) {
        self.path = path
        self.reason = reason
    }

    public var description: String { "\(path): \(reason)" }
}
