import INRCore
import INRMedia
import INRNetwork
import INRModel

/// Decoding a clip: parse → per group: add the differences, dequantise, render every patch
/// position → frames.
///
///     bytes ─► Container ─► VideoFormat.read ─► group k integers ─► dequantize ─► Renderer (patch grid)
///                  │                                                       ─► VideoPatches.frames ─► Video
///                  └─ segmented (kind 5) ─► each segment a video as above ─► frames one after another
///
/// As for images, rendering uses `KernelSelection.decoding()` and each patch depends only on its own
/// coordinates, so a file gives the same samples on any thread count.
public struct VideoDecoder {
    public let threads: Int
    public let kernels: any KernelSet
    /// The most work a clip may take (checked by `VideoFormat.read` from the header).
    public let budget: DecodeBudget

    public init(threads: Int, kernels: (any KernelSet)? = nil, budget: DecodeBudget = .standard) throws {
        self.threads = threads
        self.kernels = try kernels ?? KernelSelection.decoding()
        self.budget = budget
    }

    /// The clip, YUV 4:2:0; frame i's timestamp is i / rate.
    public func decode(_ video: CompressedVideo) -> Video {
        decode(video, pool: WorkerPool(threadCount: threads))
    }

    /// `video` rendered on `pool` (one pool for every segment of a segmented file).
    func decode(_ video: CompressedVideo, pool: WorkerPool) -> Video {
        let renderer = Renderer(spec: video.spec, kernels: kernels, pool: pool)
        let peak = (1 << video.bitDepth) - 1
        let seconds = Double(video.frameRate.denominator) / Double(video.frameRate.numerator)
        var frames: [Video.Frame] = []
        frames.reserveCapacity(video.frameCount)
        for (index, range) in video.patches.groups(frameCount: video.frameCount).enumerated() {
            let outputs = renderer.render(video.parameters(group: index).dequantized(), encoding: video.encoding, grid: video.patches.grid)
            for (offset, planes) in video.patches.frames(from: outputs, frameCount: range.count, peak: peak).enumerated() {
                frames.append(Video.Frame(planes: planes, timestamp: Double(range.lowerBound + offset) * seconds))
            }
        }
        return Video(width: video.width, height: video.height, format: .yuv420, bitDepth: video.bitDepth, frameRate: video.frameRate, frames: frames)
    }

    /// Closed segments one after another (a segmented file, kind 5): each decoded as a clip,
    /// the frames retimed as one clip at `frameRate`.
    public func decode(_ segments: [CompressedVideo], frameRate: Video.FrameRate) -> Video {
        let seconds = Double(frameRate.denominator) / Double(frameRate.numerator)
        let pool = WorkerPool(threadCount: threads)
        var frames: [Video.Frame] = []
        for segment in segments {
            for frame in decode(segment, pool: pool).frames {
                frames.append(Video.Frame(planes: frame.planes, timestamp: Double(frames.count) * seconds))
            }
        }
        let first = segments[0]
        return Video(width: first.width, height: first.height, format: .yuv420, bitDepth: first.bitDepth, frameRate: frameRate, frames: frames)
    }

    /// The clip of a file of any clip kind (`VideoMediaFormat`: a video, kind 3; a segmented
    /// video, 5), through the registry; any other kind is an error.
    public func decode(_ file: Container) throws -> Video {
        let kind = try file.format().kind
        guard let format = MediaFormats.videoFormat(kind: kind) else {
            throw DecodeError("this is \(MediaFormats.format(kind: kind).map(MediaFormats.article) ?? "an unknown") file (media kind \(kind)), not a video")
        }
        return try format.video(file, decoder: self)
    }

    public func decode(_ bytes: [UInt8]) throws -> Video {
        try decode(try Container(reading: bytes))
    }
}
