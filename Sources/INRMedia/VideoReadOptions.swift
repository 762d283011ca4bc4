/// What `VideoFile.read` returns: the frames' format and bit depth, which frames, and how to
/// read a headerless `.yuv` file.
public struct VideoReadOptions: Hashable, Sendable {
    /// The returned clip's format (`.yuv420` keeps the source's samples where it is 4:2:0).
    public var format: Video.PixelFormat
    /// 8 to 16; nil keeps the source's depth (8 for sources of 8 bits or fewer).
    public var bitDepth: Int?
    /// The decoded frame indices to keep; decoding stops past the range. nil keeps every frame.
    public var frames: Range<Int>?
    /// The layout of a raw file (required for `.yuv`, which has no header).
    public var raw: RawVideo?
    /// The most samples (all frames, all planes) to keep: reading stops with an error naming
    /// this limit before the frame that would pass it is stored.
    public var maximumSamples: Int = VideoFile.maximumSampleCount

    public init(format: Video.PixelFormat = .yuv420, bitDepth: Int? = nil, frames: Range<Int>? = nil, raw: RawVideo? = nil) {
        self.format = format
        self.bitDepth = bitDepth
        self.frames = frames
        self.raw = raw
    }
}

/// The size, sample layout and rate of a headerless raw video file (`.yuv`), which the file
/// itself cannot tell.
public struct RawVideo: Hashable, Sendable {
    public var width: Int
    public var height: Int
    /// An FFmpeg pixel format name: "yuv420p", "yuv420p10le", "nv12", "rgb24", …
    public var pixelFormat: String
    public var frameRate: Video.FrameRate

    public init(width: Int, height: Int, pixelFormat: String = "yuv420p", frameRate: Video.FrameRate) {
        self.width = width
        self.height = height
        self.pixelFormat = pixelFormat
        self.frameRate = frameRate
    }
}
