/// An image as stored: `height` rows of `width` pixels of `channels` interleaved samples,
/// 8- or 16-bit, no colour space or gamma attached.
public struct Image: Hashable, Sendable {
    public let width: Int
    public let height: Int
    /// 1 gray, 2 gray+alpha, 3 RGB, 4 RGBA.
    public let channels: Int
    /// 8 or 16.
    public let bitDepth: Int
    /// `height · width · channels` samples, row-major, each in `0...maximumValue`.
    public var samples: [UInt16]

    public init(width: Int, height: Int, channels: Int, bitDepth: Int, samples: [UInt16]) {
        precondition(width > 0 && height > 0, "an image needs a positive size")
        precondition((1...4).contains(channels), "an image has 1 to 4 channels")
        precondition(bitDepth == 8 || bitDepth == 16, "samples are 8- or 16-bit")
        precondition(samples.count == width * height * channels, "sample count does not match the size")
        self.width = width
        self.height = height
        self.channels = channels
        self.bitDepth = bitDepth
        self.samples = samples
    }

    /// The largest sample value, 2^bitDepth - 1: the PSNR peak.
    public var maximumValue: Int { (1 << bitDepth) - 1 }

    public var pixelCount: Int { width * height }

    /// The sample of `channel` at (`row`, `column`).
    public subscript(row: Int, column: Int, channel: Int) -> UInt16 {
        samples[(row * width + column) * channels + channel]
    }

    /// A `width × height` window starting at (`left`, `top`).
    public func cropped(left: Int, top: Int, width: Int, height: Int) -> Image {
        precondition(left >= 0 && top >= 0 && left + width <= self.width && top + height <= self.height, "crop outside the image")
        var cropped: [UInt16] = []
        cropped.reserveCapacity(width * height * channels)
        for row in top..<(top + height) {
            let start = (row * self.width + left) * channels
            cropped += samples[start..<(start + width * channels)]
        }
        return Image(width: width, height: height, channels: channels, bitDepth: bitDepth, samples: cropped)
    }

    /// The samples as bytes: one per 8-bit sample, two (little-endian) per 16-bit sample. The
    /// golden-file tests pin the SHA-256 of this.
    public var sampleBytes: [UInt8] {
        bitDepth == 8 ? samples.map { UInt8(truncatingIfNeeded: $0) } : samples.flatMap { [UInt8(truncatingIfNeeded: $0), UInt8($0 >> 8)] }
    }

    /// Samples scaled to [0, 1] (`value / maximumValue`): the targets a network fits.
    public var normalizedSamples: [Float] {
        let scale = 1 / Float(maximumValue)
        return samples.map { Float($0) * scale }
    }

    /// An image from values in [0, 1]: clamped, scaled and rounded to the nearest integer
    /// (a NaN, from a diverged fit, becomes 0).
    public init(width: Int, height: Int, channels: Int, bitDepth: Int, normalized: [Float]) {
        let peak = Float((1 << bitDepth) - 1)
        self.init(
            width: width, height: height, channels: channels, bitDepth: bitDepth,
            samples: normalized.map { $0.isNaN ? 0 : UInt16(min(max($0, 0), 1) * peak + 0.5) })
    }
}
