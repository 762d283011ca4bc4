import CPNG
import Foundation
import INRCore

/// PNG files through libpng's classic API (the only file that imports CPNG).
///
/// 8- and 16-bit gray, gray+alpha, RGB and RGBA are read and written exactly as stored: no
/// gamma, no sRGB conversion (libpng's simplified API would convert 16-bit files). Palette and
/// low-bit gray files are expanded to 8 bits on reading.
public enum PNG {
    /// Images above this many samples are refused from their header, before any pixel memory
    /// is allocated: 2³⁰ samples (a 16k × 16k RGBA image), or `INR_READ_MAX_SAMPLES`; a value
    /// that is not a positive whole number is an error naming the variable.
    public static func maximumSampleCount() throws -> UInt64 {
        guard let text = ProcessInfo.processInfo.environment["INR_READ_MAX_SAMPLES"] else { return 1 << 30 }
        guard let value = Double(text), value.isFinite, value >= 1, value < 1.8e19, value == value.rounded() else {
            throw MediaError(path: "INR_READ_MAX_SAMPLES=\(text)", reason: "expected a positive whole number such as 1e9")
        }
        return UInt64(value)
    }

    /// The image at `path`, refused from its header if it has more than `maximumPixels.count`
    /// pixels (the codec passes the decoder's limit and its variable, so it refuses what it
    /// could not code).
    public static func read(_ path: String, maximumPixels: (count: Int, variable: String)? = nil) throws -> Image {
        var raw = inr_png_image()
        var message = [CChar](repeating: 0, count: Int(INR_PNG_MESSAGE_CAPACITY))
        let status = inr_png_read(path, try maximumSampleCount(), UInt64(maximumPixels?.count ?? .max), &raw, &message)
        if status == -2, let maximumPixels {
            throw MediaError(path: path, reason: "a \(raw.width)×\(raw.height) image has \(Int(raw.width) * Int(raw.height)) pixels, "
                + "above the decoder's limit of \(maximumPixels.count) (raise it with \(maximumPixels.variable))")
        }
        guard status == 0 else { throw MediaError(path: path, reason: messageText(message)) }
        defer { inr_png_free(&raw) }
        guard let image = image(raw) else { throw MediaError(path: path, reason: "empty image") }
        return image
    }

    /// The image a PNG stream in memory holds (a stored `.inr` image's), refused from its header
    /// beyond `maximumSamples` samples or `maximumPixels` pixels. Errors are `PNGStreamError`s.
    public static func decode(_ bytes: [UInt8], maximumSamples: Int, maximumPixels: Int) throws(PNGStreamError) -> Image {
        var raw = inr_png_image()
        var message = [CChar](repeating: 0, count: Int(INR_PNG_MESSAGE_CAPACITY))
        let status = bytes.withUnsafeBytes { buffer in
            inr_png_read_memory(buffer.baseAddress, buffer.count, UInt64(max(0, maximumSamples)), UInt64(max(0, maximumPixels)), &raw, &message)
        }
        if status == -2 {
            throw PNGStreamError(description: "a \(raw.width)×\(raw.height) image is beyond the limit of \(maximumPixels) pixels")
        }
        guard status == 0 else { throw PNGStreamError(description: messageText(message)) }
        defer { inr_png_free(&raw) }
        guard let image = image(raw) else { throw PNGStreamError(description: "empty image") }
        return image
    }

    /// `image` as a PNG stream at zlib `compressionLevel` (0–9), with libpng's adaptive row
    /// filters: level 9 is the PNG the lossless codec must never lose to.
    public static func encode(_ image: Image, compressionLevel: Int = 9) throws(PNGStreamError) -> [UInt8] {
        var message = [CChar](repeating: 0, count: Int(INR_PNG_MESSAGE_CAPACITY))
        var bytes: UnsafeMutablePointer<UInt8>? = nil
        var size = 0
        let level = Int32(min(max(compressionLevel, 0), 9))
        let status: Int32 = withSamples(image) { samples in
            var raw = rawImage(image, samples)
            return inr_png_write_memory(&raw, level, &bytes, &size, &message)
        }
        guard status == 0, let bytes else { throw PNGStreamError(description: messageText(message)) }
        defer { inr_png_free_bytes(bytes) }
        return Array(UnsafeBufferPointer(start: bytes, count: size))
    }

    /// A read image's samples as an `Image`; nil for an empty one.
    private static func image(_ raw: inr_png_image) -> Image? {
        guard raw.width > 0, raw.height > 0 else { return nil }
        let count = Int(raw.width) * Int(raw.height) * Int(raw.channels)
        let samples: [UInt16]
        if raw.bit_depth == 16 {
            samples = Array(UnsafeBufferPointer(start: raw.samples.assumingMemoryBound(to: UInt16.self), count: count))
        } else {
            samples = UnsafeBufferPointer(start: raw.samples.assumingMemoryBound(to: UInt8.self), count: count).map(UInt16.init)
        }
        return Image(width: Int(raw.width), height: Int(raw.height), channels: Int(raw.channels), bitDepth: Int(raw.bit_depth), samples: samples)
    }

    /// Calls `body` with the samples as libpng takes them: 16-bit as they are, 8-bit as bytes.
    private static func withSamples<T>(_ image: Image, _ body: (UnsafeRawPointer) -> T) -> T {
        if image.bitDepth == 16 {
            return image.samples.withUnsafeBytes { body($0.baseAddress!) }
        }
        let bytes = image.samples.map { UInt8(truncatingIfNeeded: $0) }
        return bytes.withUnsafeBytes { body($0.baseAddress!) }
    }

    /// Writes `image` to `path`; the file appears only once complete (`OutputFile`).
    public static func write(_ image: Image, to path: String) throws {
        try OutputFile.write(to: path) { writePath in try encode(image, to: writePath, name: path) }
    }

    /// Writes `image` into a staged output (committed by the caller).
    public static func write(_ image: Image, to output: StagedOutput) throws {
        try encode(image, to: output.writePath, name: output.path)
    }

    private static func encode(_ image: Image, to writePath: String, name: String) throws {
        var message = [CChar](repeating: 0, count: Int(INR_PNG_MESSAGE_CAPACITY))
        let status: Int32 = withSamples(image) { samples in
            var raw = rawImage(image, samples)
            return inr_png_write(writePath, &raw, &message)
        }
        guard status == 0 else { throw MediaError(path: name, reason: messageText(message)) }
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

/// A PNG stream in memory that does not decode (or encode); the caller names the file.
public struct PNGStreamError: Error, CustomStringConvertible {
    public let description: String
}
