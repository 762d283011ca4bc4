/// A clip as decoded: frames of planar samples, 8 to 16 bits, with the clip's frame rate and
/// each frame's presentation time.
///
///     yuv420: Y (width × height), then U and V (⌈width/2⌉ × ⌈height/2⌉ each)
///     rgb:    R, G and B planes (width × height each)
///
/// YUV samples are as the source stores them (limited range for the usual BT.601/709 video);
/// `VideoFile` reads and writes clips and converts between the two formats.
public struct Video: Hashable, Sendable {
    public enum PixelFormat: String, Hashable, Sendable, CaseIterable {
        case yuv420
        case rgb
    }

    /// A frame rate as a fraction: 30000/1001 for NTSC's 29.97.
    public struct FrameRate: Hashable, Sendable, CustomStringConvertible {
        public var numerator: Int
        public var denominator: Int

        public init(_ numerator: Int, _ denominator: Int = 1) {
            precondition(numerator > 0 && denominator > 0, "a frame rate is positive")
            self.numerator = numerator
            self.denominator = denominator
        }

        public var framesPerSecond: Double { Double(numerator) / Double(denominator) }
        public var description: String { denominator == 1 ? "\(numerator)" : "\(numerator)/\(denominator)" }
    }

    public struct Frame: Hashable, Sendable {
        /// One array per plane, row-major, in the format's plane order.
        public var planes: [[UInt16]]
        /// Presentation time in seconds from the clip's start.
        public var timestamp: Double

        public init(planes: [[UInt16]], timestamp: Double) {
            self.planes = planes
            self.timestamp = timestamp
        }
    }

    /// The largest width or height a clip may have (checked before any frame is allocated).
    public static let maximumSide = 1 << 14

    public let width: Int
    public let height: Int
    public let format: PixelFormat
    /// 8 to 16.
    public let bitDepth: Int
    public var frameRate: FrameRate
    public var frames: [Frame]

    public init(width: Int, height: Int, format: PixelFormat, bitDepth: Int, frameRate: FrameRate, frames: [Frame]) {
        precondition((1...Self.maximumSide).contains(width) && (1...Self.maximumSide).contains(height), "a clip needs a plausible size")
        precondition((8...16).contains(bitDepth), "samples are 8 to 16 bits")
        self.width = width
        self.height = height
        self.format = format
        self.bitDepth = bitDepth
        self.frameRate = frameRate
        self.frames = frames
        for frame in frames {
            precondition(frame.planes.count == 3, "a frame has three planes")
            for (plane, samples) in frame.planes.enumerated() {
                let size = planeSize(plane)
                precondition(samples.count == size.width * size.height, "plane \(plane) does not match the size")
            }
        }
    }

    /// The width and height of `plane` (0, 1 or 2) of a `width × height` frame in `format`.
    public static func planeSize(_ plane: Int, width: Int, height: Int, format: PixelFormat) -> (width: Int, height: Int) {
        plane == 0 || format == .rgb ? (width, height) : ((width + 1) / 2, (height + 1) / 2)
    }

    /// Samples per `width × height` frame in `format`, over all planes.
    public static func samplesPerFrame(width: Int, height: Int, format: PixelFormat) -> Int {
        (0..<3).reduce(0) { sum, plane in
            let size = planeSize(plane, width: width, height: height, format: format)
            return sum + size.width * size.height
        }
    }

    /// The width and height of `plane` (0, 1 or 2).
    public func planeSize(_ plane: Int) -> (width: Int, height: Int) {
        Self.planeSize(plane, width: width, height: height, format: format)
    }

    /// Samples per frame, over all planes.
    public var samplesPerFrame: Int { Self.samplesPerFrame(width: width, height: height, format: format) }

    /// The largest sample value, 2^bitDepth - 1: the PSNR peak.
    public var maximumValue: Int { (1 << bitDepth) - 1 }

    public var pixelCount: Int { width * height * frames.count }

    /// Frames `range` (clamped to the clip), their timestamps kept.
    public func frames(_ range: Range<Int>) -> Video {
        let clamped = range.clamped(to: frames.indices)
        return Video(width: width, height: height, format: format, bitDepth: bitDepth, frameRate: frameRate, frames: Array(frames[clamped]))
    }

    /// Every frame's planes in order, as bytes: one per sample up to 8 bits, two (little-endian)
    /// above. The golden-file tests pin the SHA-256 of this.
    public var sampleBytes: [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(frames.count * samplesPerFrame * (bitDepth > 8 ? 2 : 1))
        for frame in frames {
            for plane in frame.planes {
                if bitDepth > 8 {
                    for sample in plane { bytes += [UInt8(truncatingIfNeeded: sample), UInt8(sample >> 8)] }
                } else {
                    bytes += plane.map { UInt8(truncatingIfNeeded: $0) }
                }
            }
        }
        return bytes
    }

    /// The clip with `frames`, in this clip's size and format.
    public func with(frames: [Frame]) -> Video {
        Video(width: width, height: height, format: format, bitDepth: bitDepth, frameRate: frameRate, frames: frames)
    }
}
