import CFFmpeg
import Foundation
import INRCore

/// Video files through FFmpeg's libraries (the only file that imports CFFmpeg).
///
/// Reading takes any container and codec the installed FFmpeg decodes (mp4/H.264, y4m, mkv,
/// raw `.yuv` given a `RawVideo`); writing makes `.y4m` (exact), `.mp4` (H.264 by libx264,
/// lossy) or `.mkv` (FFV1, exact). Conversions go through swscale with BT.601 limited-range
/// coefficients. FFmpeg's log is silenced: its errors come back as `MediaError`s naming the file.
public enum VideoFile {
    /// Clips above this many samples (all frames, all planes) are refused while decoding,
    /// before the frame that would pass it is stored: 2³¹ samples, 4 GiB of `UInt16`.
    public static let maximumSampleCount = 1 << 31

    /// Whether this FFmpeg has libx264, which `.mp4` output needs.
    public static var hasH264Encoder: Bool {
        _ = silenceLog
        return avcodec_find_encoder_by_name("libx264") != nil
    }

    // MARK: - Reading

    /// Decodes every frame of the best video stream of `path` (or `options.frames` of them).
    public static func read(_ path: String, options: VideoReadOptions = .init()) throws -> Video {
        _ = silenceLog
        do {
            return try Decoder(path: path, options: options).decode()
        } catch let failure as Failure {
            throw MediaError(path: path, reason: failure.reason)
        }
    }

    // MARK: - Writing

    /// Where a clip asked for at `path` is written: `path` itself, except that an `.mp4`
    /// becomes a lossless FFV1 `.mkv` beside it when this FFmpeg has no H.264 encoder.
    public static func outputPath(for path: String, hasH264Encoder: Bool = VideoFile.hasH264Encoder) -> String {
        guard !hasH264Encoder, URL(fileURLWithPath: path).pathExtension.lowercased() == "mp4" else { return path }
        return String(path.dropLast(4)) + ".mkv"
    }

    /// Writes `video` to `path`, the container chosen by the extension: `.y4m` (exact raw
    /// 4:2:0), `.mp4` (H.264 by libx264, CRF 18, 8-bit 4:2:0) or `.mkv` (lossless FFV1).
    /// RGB clips are converted to 4:2:0 first. The file appears only once complete.
    public static func write(_ video: Video, to path: String) throws {
        let container = try outputContainer(for: video, path: path)
        try OutputFile.write(to: path) { writePath in try encode(video, container: container, path: path, writePath: writePath) }
    }

    /// Writes `video` into a staged output (committed by the caller), as `write(_:to:)`.
    public static func write(_ video: Video, to output: StagedOutput) throws {
        let container = try outputContainer(for: video, path: output.path)
        try encode(video, container: container, path: output.path, writePath: output.writePath)
    }

    /// The container `path`'s extension asks for, refused when `video` cannot go in it.
    private static func outputContainer(for video: Video, path: String) throws -> Container {
        _ = silenceLog
        let fileExtension = URL(fileURLWithPath: path).pathExtension.lowercased()
        guard let container = Container(fileExtension: fileExtension) else {
            throw MediaError(path: path, reason: "cannot write a video as '.\(fileExtension)': use .y4m, .mp4 or .mkv")
        }
        guard !video.frames.isEmpty else { throw MediaError(path: path, reason: "a video to write needs at least one frame") }
        if container == .mp4 {
            guard hasH264Encoder else {
                throw MediaError(path: path, reason: "this FFmpeg has no libx264 encoder for H.264 .mp4; write .mkv (lossless FFV1) instead")
            }
            guard video.width % 2 == 0, video.height % 2 == 0 else {
                throw MediaError(path: path, reason: "H.264 4:2:0 needs an even width and height, not \(video.width)×\(video.height); write .mkv instead")
            }
        }
        return container
    }

    /// Throws unless `path`'s extension names a container this writes (checked before a decode).
    public static func checkOutputName(_ path: String) throws {
        let fileExtension = URL(fileURLWithPath: path).pathExtension.lowercased()
        guard Container(fileExtension: fileExtension) != nil else {
            throw MediaError(path: path, reason: "cannot write a video as '.\(fileExtension)': use .y4m, .mp4 or .mkv")
        }
    }

    private static func encode(_ video: Video, container: Container, path: String, writePath: String) throws {
        // Standard output through FFmpeg's pipe protocol: never reopened or truncated.
        let target = ["/dev/stdout", "/dev/fd/1", "/proc/self/fd/1"].contains(writePath) ? "pipe:1" : writePath
        do {
            try Encoder(video: video, container: container, path: path, temporaryPath: target).encode()
        } catch let failure as Failure {
            throw MediaError(path: path, reason: failure.reason)
        }
    }

    // MARK: - Conversion

    /// `video` in `format` at `bitDepth` (nil keeps its depth), through swscale: BT.601
    /// limited-range YUV, full-range RGB, bicubic chroma with accurate rounding.
    public static func converted(_ video: Video, to format: Video.PixelFormat, bitDepth: Int? = nil) throws -> Video {
        _ = silenceLog
        let depth = bitDepth ?? video.bitDepth
        guard (8...16).contains(depth) else {
            throw MediaError(path: "(video conversion)", reason: "a bit depth of \(depth) is outside 8...16")
        }
        if format == video.format && depth == video.bitDepth { return video }
        let source = SampleLayout(video.format, bitDepth: video.bitDepth)
        let target = SampleLayout(format, bitDepth: depth)
        do {
            let sourceFrame = try FrameBuffer(width: video.width, height: video.height, layout: source)
            let targetFrame = try FrameBuffer(width: video.width, height: video.height, layout: target)
            let scaler = Scaler()
            let frames = try video.frames.map { frame in
                try sourceFrame.fill(with: frame.planes, layout: source)
                try scaler.scale(sourceFrame, into: targetFrame)
                return Video.Frame(planes: targetFrame.planes(layout: target), timestamp: frame.timestamp)
            }
            return Video(width: video.width, height: video.height, format: format, bitDepth: depth, frameRate: video.frameRate, frames: frames)
        } catch let failure as Failure {
            throw MediaError(path: "(video conversion)", reason: failure.reason)
        }
    }

    /// FFmpeg prints nothing: its errors reach the caller as Swift errors.
    private static let silenceLog: Void = av_log_set_level(AV_LOG_QUIET)
}

// MARK: - Decoding

/// One read: the demuxer, the decoder and the frames kept so far.
private final class Decoder {
    let path: String
    let options: VideoReadOptions
    var formatContext: UnsafeMutablePointer<AVFormatContext>?
    var codecContext: UnsafeMutablePointer<AVCodecContext>?
    var streamIndex: Int32 = -1
    var timeBase = 0.0
    var frameRate = Video.FrameRate(25)
    var announcedFrameCount = 0
    var lastPacketEnd: Int64 = 0

    /// Set from the first decoded frame.
    var width = 0, height = 0
    var layout: SampleLayout?
    var converted: FrameBuffer?
    let scaler = Scaler()

    var decodedCount = 0
    var firstTime: Double?
    var previousTime: Double?
    var lastFrameDuration = 0.0
    var frames: [Video.Frame] = []

    init(path: String, options: VideoReadOptions) throws {
        self.path = path
        self.options = options
        if let bitDepth = options.bitDepth, !(8...16).contains(bitDepth) {
            throw Failure("a bit depth of \(bitDepth) is outside 8...16")
        }
        if let range = options.frames, range.isEmpty || range.lowerBound < 0 {
            throw Failure("the frame range \(range) selects no frames")
        }
    }

    deinit {
        avcodec_free_context(&codecContext)
        avformat_close_input(&formatContext)
    }

    func decode() throws -> Video {
        try open()
        guard let packet = av_packet_alloc() else { throw Failure("out of memory") }
        var packetPointer: UnsafeMutablePointer<AVPacket>? = packet
        defer { av_packet_free(&packetPointer) }
        let frame = try FrameBuffer()
        var wantsMore = true
        while wantsMore {
            let status = av_read_frame(formatContext, packet)
            if status == inr_averror_eof() { break }
            try check(status, "cannot read a packet")
            defer { av_packet_unref(packet) }
            guard packet.pointee.stream_index == streamIndex else { continue }
            if packet.pointee.pos >= 0 { lastPacketEnd = packet.pointee.pos + Int64(packet.pointee.size) }
            if inr_packet_is_corrupt(packet) != 0 { throw Failure("truncated or corrupt data after \(decodedCount) frames") }
            try check(avcodec_send_packet(codecContext, packet), "cannot decode frame \(decodedCount)")
            wantsMore = try receiveFrames(into: frame)
        }
        if wantsMore {
            // Flush: the decoder still holds the frames it delayed (reordering, threads).
            try check(avcodec_send_packet(codecContext, nil), "cannot flush the decoder")
            _ = try receiveFrames(into: frame)
            if options.frames == nil { try checkComplete() }
        }
        guard let layout, !frames.isEmpty else {
            if let range = options.frames, decodedCount > 0 {
                let asked = "\(range.lowerBound):" + (range.upperBound == .max ? "" : "\(range.upperBound)")
                throw Failure("frames \(asked) were asked for, but the clip has \(decodedCount) frame\(decodedCount == 1 ? "" : "s") (0–\(decodedCount - 1))")
            }
            throw Failure("no frame could be decoded")
        }
        return Video(width: width, height: height, format: layout.format, bitDepth: layout.bitDepth, frameRate: frameRate, frames: frames)
    }

    /// Demuxers end quietly at a file's premature end: the frames the file announces (an mp4's
    /// sample count, else a video-only file's duration against the last frame's end) or a
    /// y4m's trailing bytes tell a truncated file from a whole one.
    private func checkComplete() throws {
        guard let formatContext else { return }
        if announcedFrameCount > 0 && decodedCount < announcedFrameCount {
            throw Failure("the file ends after \(decodedCount) of its \(announcedFrameCount) frames (truncated?)")
        }
        if String(cString: formatContext.pointee.iformat.pointee.name) == "yuv4mpegpipe" {
            let size = avio_size(formatContext.pointee.pb)
            if size > 0 && lastPacketEnd > 0 && size > lastPacketEnd {
                throw Failure("\(size - lastPacketEnd) bytes after the last whole frame (\(decodedCount)): truncated?")
            }
        }
        let duration = formatContext.pointee.duration
        if announcedFrameCount == 0, options.raw == nil, formatContext.pointee.nb_streams == 1, duration > 0, duration != inr_no_pts(),
           formatContext.pointee.duration_estimation_method != AVFMT_DURATION_FROM_BITRATE,
           let firstTime, let previousTime {
            let announced = Double(duration) / Double(AV_TIME_BASE)
            let decoded = previousTime + lastFrameDuration - firstTime
            if announced - decoded > 0.5 / frameRate.framesPerSecond + 0.001 {
                throw Failure("the frames end at \(decoded) s of the file's \(announced) s (truncated?)")
            }
        }
    }

    /// Opens the file (or the raw file as `options.raw` describes it) and its decoder.
    private func open() throws {
        var dictionary: OpaquePointer?
        defer { av_dict_free(&dictionary) }
        var inputFormat: UnsafePointer<AVInputFormat>?
        if let raw = options.raw {
            guard (1...Video.maximumSide).contains(raw.width), (1...Video.maximumSide).contains(raw.height) else {
                throw Failure("a raw video of \(raw.width)×\(raw.height) is outside 1...\(Video.maximumSide) on a side")
            }
            guard av_get_pix_fmt(raw.pixelFormat) != AV_PIX_FMT_NONE else {
                throw Failure("'\(raw.pixelFormat)' is not an FFmpeg pixel format (yuv420p, yuv420p10le, …)")
            }
            inputFormat = av_find_input_format("rawvideo")
            av_dict_set(&dictionary, "video_size", "\(raw.width)x\(raw.height)", 0)
            av_dict_set(&dictionary, "pixel_format", raw.pixelFormat, 0)
            av_dict_set(&dictionary, "framerate", "\(raw.frameRate.numerator)/\(raw.frameRate.denominator)", 0)
        } else if URL(fileURLWithPath: path).pathExtension.lowercased() == "yuv" {
            throw Failure("a raw .yuv file has no header: give --raw-size WxH (and --raw-pixel-format, --raw-rate unless yuv420p at 30 fps)")
        } else {
            try Self.checkY4MHeader(path)
        }
        try check(avformat_open_input(&formatContext, path, inputFormat, &dictionary), "cannot open")
        try check(avformat_find_stream_info(formatContext, nil), "cannot read the stream information")

        var decoder: UnsafePointer<AVCodec>?
        streamIndex = av_find_best_stream(formatContext, AVMEDIA_TYPE_VIDEO, -1, -1, &decoder, 0)
        guard streamIndex >= 0, let decoder, let stream = inr_stream(formatContext, UInt32(streamIndex)) else {
            throw Failure(streamIndex >= 0 ? "no decoder for the video stream" : "no video stream")
        }
        let parameters = stream.pointee.codecpar.pointee
        guard parameters.width <= Video.maximumSide, parameters.height <= Video.maximumSide else {
            throw Failure("a video of \(parameters.width)×\(parameters.height) is larger than \(Video.maximumSide) on a side")
        }
        timeBase = av_q2d(stream.pointee.time_base)
        frameRate = Self.frameRate(of: stream.pointee)
        announcedFrameCount = Int(max(0, stream.pointee.nb_frames))

        codecContext = avcodec_alloc_context3(decoder)
        guard let codecContext else { throw Failure("out of memory") }
        try check(avcodec_parameters_to_context(codecContext, stream.pointee.codecpar), "cannot set up the decoder")
        codecContext.pointee.pkt_timebase = stream.pointee.time_base
        codecContext.pointee.thread_count = 0  // as many as the machine has
        try check(avcodec_open2(codecContext, decoder, nil), "cannot open the \(String(cString: decoder.pointee.name)) decoder")
    }

    /// A `.y4m` file's frame size, checked before FFmpeg allocates for it (FFmpeg reports an
    /// absurd size as an unrelated system error).
    static func checkY4MHeader(_ path: String) throws {
        guard let handle = FileHandle(forReadingAtPath: path) else { return }
        defer { try? handle.close() }
        let start = (try? handle.read(upToCount: 512)) ?? Data()
        guard start.starts(with: Array("YUV4MPEG2 ".utf8)) else { return }
        let line = String(decoding: start.prefix { $0 != 0x0A }, as: UTF8.self)
        var size: [Character: Int] = [:]
        for token in line.split(separator: " ").dropFirst() where token.first == "W" || token.first == "H" {
            guard let value = Int(token.dropFirst()), value >= 1 else { throw Failure("bad Y4M header field '\(token)'") }
            size[token.first!] = value
        }
        guard let width = size["W"], let height = size["H"] else { throw Failure("the Y4M header gives no frame size (W and H)") }
        guard width <= Video.maximumSide, height <= Video.maximumSide else {
            throw Failure("the Y4M header gives \(width)×\(height); a side can be at most \(Video.maximumSide)")
        }
    }

    /// The stream's average rate, else its base rate, else one frame per tick of a coarse
    /// time base, else 25.
    private static func frameRate(of stream: AVStream) -> Video.FrameRate {
        for rate in [stream.avg_frame_rate, stream.r_frame_rate] where rate.num > 0 && rate.den > 0 {
            return Video.FrameRate(Int(rate.num), Int(rate.den))
        }
        let base = stream.time_base
        if base.num > 0 && base.den > 0 && base.den <= 1000 * base.num {
            return Video.FrameRate(Int(base.den), Int(base.num))
        }
        return Video.FrameRate(25)
    }

    /// Takes every frame the decoder has ready; false once past `options.frames`.
    private func receiveFrames(into frame: FrameBuffer) throws -> Bool {
        while true {
            let status = avcodec_receive_frame(codecContext, frame.pointer)
            if status == inr_averror_again() || status == inr_averror_eof() { return true }
            try check(status, "cannot decode frame \(decodedCount)")
            defer { av_frame_unref(frame.pointer) }
            if try !accept(frame) { return false }
        }
    }

    /// Stores `frame` if it is in range; false once past the range.
    private func accept(_ frame: FrameBuffer) throws -> Bool {
        let index = decodedCount
        decodedCount += 1
        let decoded = frame.pointer.pointee
        if layout == nil {
            guard (1...Video.maximumSide).contains(Int(decoded.width)), (1...Video.maximumSide).contains(Int(decoded.height)) else {
                throw Failure("a frame of \(decoded.width)×\(decoded.height) is outside 1...\(Video.maximumSide) on a side")
            }
            width = Int(decoded.width)
            height = Int(decoded.height)
            let sourceDepth = Int(inr_pixel_format_depth(AVPixelFormat(rawValue: decoded.format)))
            let depth = options.bitDepth ?? (sourceDepth <= 8 ? 8 : min(sourceDepth, 16))
            layout = SampleLayout(options.format, bitDepth: depth)
        } else if Int(decoded.width) != width || Int(decoded.height) != height {
            throw Failure("frame \(index) is \(decoded.width)×\(decoded.height), not \(width)×\(height) as the first")
        }
        guard let layout else { return false }

        var time = Double(index) / frameRate.framesPerSecond
        if decoded.best_effort_timestamp != inr_no_pts() {
            time = Double(decoded.best_effort_timestamp) * timeBase
        } else if let previousTime {
            time = previousTime + 1 / frameRate.framesPerSecond
        }
        previousTime = time
        lastFrameDuration = decoded.pkt_duration > 0 ? Double(decoded.pkt_duration) * timeBase : 1 / frameRate.framesPerSecond
        let start = firstTime ?? time
        firstTime = start

        if let range = options.frames {
            if index < range.lowerBound { return true }
            if index >= range.upperBound { return false }
        }
        let samplesPerFrame = Video.samplesPerFrame(width: width, height: height, format: layout.format)
        guard (frames.count + 1) * samplesPerFrame <= options.maximumSamples else {
            throw Failure("frame \(index) would take the clip past \(options.maximumSamples) samples (\(samplesPerFrame) a frame), "
                + "the limit of what is read: read fewer frames (--frames), or raise INR_DECODE_MAX_SAMPLES")
        }
        let planes: [[UInt16]]
        if decoded.format == layout.pixelFormat.rawValue {
            planes = frame.planes(layout: layout)  // exactly as stored
        } else {
            if converted == nil { converted = try FrameBuffer(width: width, height: height, layout: layout) }
            guard let converted else { return false }
            try scaler.scale(frame, into: converted)
            planes = converted.planes(layout: layout)
        }
        frames.append(Video.Frame(planes: planes, timestamp: time - start))
        return options.frames.map { index + 1 < $0.upperBound } ?? true
    }
}

// MARK: - Encoding

/// The containers `VideoFile.write` makes, each with its encoder.
private enum Container {
    case y4m, mp4, mkv

    init?(fileExtension: String) {
        switch fileExtension {
        case "y4m": self = .y4m
        case "mp4": self = .mp4
        case "mkv": self = .mkv
        default: return nil
        }
    }

    var encoderName: String {
        switch self {
        case .y4m: "wrapped_avframe"  // the yuv4mpegpipe muxer takes frames, not raw packets
        case .mp4: "libx264"
        case .mkv: "ffv1"
        }
    }

    /// The encoder's options.
    var options: [(String, String)] {
        self == .mp4 ? [("crf", "18"), ("preset", "medium")] : []
    }

    /// The stored sample layout for a clip of `bitDepth`: H.264 at 8 bits, the others exact.
    func layout(bitDepth: Int) -> SampleLayout {
        SampleLayout(.yuv420, bitDepth: self == .mp4 ? 8 : bitDepth)
    }
}

/// One write: the muxer writing the temporary file, the encoder, and the frames.
private final class Encoder {
    let video: Video
    let container: Container
    let path: String
    let temporaryPath: String
    var formatContext: UnsafeMutablePointer<AVFormatContext>?
    var codecContext: UnsafeMutablePointer<AVCodecContext>?
    var stream: UnsafeMutablePointer<AVStream>?

    init(video: Video, container: Container, path: String, temporaryPath: String) {
        self.video = video
        self.container = container
        self.path = path
        self.temporaryPath = temporaryPath
    }

    deinit {
        avcodec_free_context(&codecContext)
        if let formatContext {
            if formatContext.pointee.pb != nil { avio_closep(&formatContext.pointee.pb) }
            avformat_free_context(formatContext)
        }
    }

    func encode() throws {
        let layout = container.layout(bitDepth: video.bitDepth)
        try open(layout: layout)
        guard let formatContext, let codecContext else { return }
        let source = SampleLayout(video.format, bitDepth: video.bitDepth)
        let sourceFrame = try FrameBuffer(width: video.width, height: video.height, layout: source)
        let encodedFrame = source == layout ? sourceFrame : try FrameBuffer(width: video.width, height: video.height, layout: layout)
        let scaler = Scaler()
        guard let packet = av_packet_alloc() else { throw Failure("out of memory") }
        var packetPointer: UnsafeMutablePointer<AVPacket>? = packet
        defer { av_packet_free(&packetPointer) }

        for (index, frame) in video.frames.enumerated() {
            try sourceFrame.fill(with: frame.planes, layout: source)
            if encodedFrame !== sourceFrame {
                try check(av_frame_make_writable(encodedFrame.pointer), "out of memory")
                try scaler.scale(sourceFrame, into: encodedFrame)
            }
            encodedFrame.pointer.pointee.pts = Int64(index)  // in the encoder's 1/rate time base
            try check(avcodec_send_frame(codecContext, encodedFrame.pointer), "cannot encode frame \(index)")
            try writePackets(packet)
        }
        try check(avcodec_send_frame(codecContext, nil), "cannot flush the encoder")
        try writePackets(packet)
        try check(av_write_trailer(formatContext), "cannot finish the file")
        try check(avio_closep(&formatContext.pointee.pb), "cannot close the file")
    }

    /// Sets up the muxer (chosen by the real path's extension), the encoder and the stream,
    /// and writes the header to the temporary file.
    private func open(layout: SampleLayout) throws {
        let rate = video.frameRate
        guard rate.numerator <= Int(Int32.max), rate.denominator <= Int(Int32.max) else {
            throw Failure("the frame rate \(rate) does not fit FFmpeg's 32-bit fractions")
        }
        guard let outputFormat = av_guess_format(nil, path, nil) else { throw Failure("FFmpeg has no muxer for this extension") }
        try check(avformat_alloc_output_context2(&formatContext, outputFormat, nil, temporaryPath), "cannot set up the muxer")
        guard let formatContext else { throw Failure("out of memory") }
        formatContext.pointee.strict_std_compliance = FF_COMPLIANCE_UNOFFICIAL  // y4m above 8 bits

        guard let encoder = avcodec_find_encoder_by_name(container.encoderName) else {
            throw Failure("this FFmpeg has no \(container.encoderName) encoder")
        }
        guard let stream = avformat_new_stream(formatContext, nil) else { throw Failure("out of memory") }
        self.stream = stream
        codecContext = avcodec_alloc_context3(encoder)
        guard let codecContext else { throw Failure("out of memory") }
        codecContext.pointee.width = Int32(video.width)
        codecContext.pointee.height = Int32(video.height)
        codecContext.pointee.pix_fmt = layout.pixelFormat
        codecContext.pointee.time_base = AVRational(num: Int32(rate.denominator), den: Int32(rate.numerator))
        codecContext.pointee.framerate = AVRational(num: Int32(rate.numerator), den: Int32(rate.denominator))
        codecContext.pointee.sample_aspect_ratio = AVRational(num: 1, den: 1)
        codecContext.pointee.color_range = AVCOL_RANGE_MPEG
        codecContext.pointee.strict_std_compliance = FF_COMPLIANCE_UNOFFICIAL
        if formatContext.pointee.oformat.pointee.flags & AVFMT_GLOBALHEADER != 0 {
            codecContext.pointee.flags |= AV_CODEC_FLAG_GLOBAL_HEADER
        }
        var dictionary: OpaquePointer?
        defer { av_dict_free(&dictionary) }
        for (key, value) in container.options { av_dict_set(&dictionary, key, value, 0) }
        try check(avcodec_open2(codecContext, encoder, &dictionary), "cannot open the \(container.encoderName) encoder")
        try check(avcodec_parameters_from_context(stream.pointee.codecpar, codecContext), "cannot set up the stream")
        stream.pointee.time_base = codecContext.pointee.time_base
        stream.pointee.avg_frame_rate = codecContext.pointee.framerate
        stream.pointee.r_frame_rate = codecContext.pointee.framerate
        stream.pointee.sample_aspect_ratio = codecContext.pointee.sample_aspect_ratio

        try check(avio_open(&formatContext.pointee.pb, temporaryPath, AVIO_FLAG_WRITE), "cannot create the file")
        try check(avformat_write_header(formatContext, nil), "cannot write the header")
    }

    /// Writes every packet the encoder has ready, each lasting one frame (libx264 leaves the
    /// duration 0, and the muxer would then give the last frame no time at all).
    private func writePackets(_ packet: UnsafeMutablePointer<AVPacket>) throws {
        guard let codecContext, let stream else { return }
        while true {
            let status = avcodec_receive_packet(codecContext, packet)
            if status == inr_averror_again() || status == inr_averror_eof() { return }
            try check(status, "cannot encode")
            if packet.pointee.duration <= 0 { packet.pointee.duration = 1 }
            av_packet_rescale_ts(packet, codecContext.pointee.time_base, stream.pointee.time_base)
            packet.pointee.stream_index = stream.pointee.index
            try check(av_interleaved_write_frame(formatContext, packet), "cannot write a packet")
        }
    }
}

// MARK: - Frames and samples

/// A `Video`'s format and depth as an FFmpeg planar pixel format. Depths FFmpeg has no format
/// for (11, 13, 15) are stored in the next deeper one, shifted up.
private struct SampleLayout: Equatable {
    let format: Video.PixelFormat
    let bitDepth: Int
    /// The depth of `pixelFormat`: 8, 9, 10, 12, 14 or 16.
    let storedDepth: Int
    let pixelFormat: AVPixelFormat

    init(_ format: Video.PixelFormat, bitDepth: Int) {
        self.format = format
        self.bitDepth = bitDepth
        storedDepth = [8, 9, 10, 12, 14, 16].first { $0 >= bitDepth } ?? 16
        switch (format, storedDepth) {
        case (.yuv420, 8): pixelFormat = AV_PIX_FMT_YUV420P
        case (.yuv420, 9): pixelFormat = AV_PIX_FMT_YUV420P9LE
        case (.yuv420, 10): pixelFormat = AV_PIX_FMT_YUV420P10LE
        case (.yuv420, 12): pixelFormat = AV_PIX_FMT_YUV420P12LE
        case (.yuv420, 14): pixelFormat = AV_PIX_FMT_YUV420P14LE
        case (.yuv420, _): pixelFormat = AV_PIX_FMT_YUV420P16LE
        case (.rgb, 8): pixelFormat = AV_PIX_FMT_GBRP
        case (.rgb, 9): pixelFormat = AV_PIX_FMT_GBRP9LE
        case (.rgb, 10): pixelFormat = AV_PIX_FMT_GBRP10LE
        case (.rgb, 12): pixelFormat = AV_PIX_FMT_GBRP12LE
        case (.rgb, 14): pixelFormat = AV_PIX_FMT_GBRP14LE
        case (.rgb, _): pixelFormat = AV_PIX_FMT_GBRP16LE
        }
    }

    /// FFmpeg's plane index of each of the clip's planes: GBRP stores G, B, R.
    var ffmpegPlane: [Int32] { format == .rgb ? [2, 0, 1] : [0, 1, 2] }

    func planeSize(_ plane: Int, width: Int, height: Int) -> (width: Int, height: Int) {
        Video.planeSize(plane, width: width, height: height, format: format)
    }

    static func == (a: SampleLayout, b: SampleLayout) -> Bool {
        a.format == b.format && a.bitDepth == b.bitDepth
    }
}

/// Owns an AVFrame.
private final class FrameBuffer {
    let pointer: UnsafeMutablePointer<AVFrame>

    /// An empty frame for a decoder to fill.
    init() throws {
        guard let frame = av_frame_alloc() else { throw Failure("out of memory") }
        pointer = frame
    }

    /// A frame with buffers for `layout` at `width` × `height`.
    convenience init(width: Int, height: Int, layout: SampleLayout) throws {
        try self.init()
        pointer.pointee.width = Int32(width)
        pointer.pointee.height = Int32(height)
        pointer.pointee.format = layout.pixelFormat.rawValue
        pointer.pointee.color_range = AVCOL_RANGE_MPEG
        try check(av_frame_get_buffer(pointer, 0), "cannot allocate a \(width)×\(height) frame")
    }

    deinit {
        var frame: UnsafeMutablePointer<AVFrame>? = pointer
        av_frame_free(&frame)
    }

    /// The frame's samples as the clip's planes (in the clip's plane order and depth).
    func planes(layout: SampleLayout) -> [[UInt16]] {
        let width = Int(pointer.pointee.width), height = Int(pointer.pointee.height)
        let shift = layout.storedDepth - layout.bitDepth
        let maximum = UInt32((1 << layout.bitDepth) - 1)
        return (0..<3).map { plane in
            let size = layout.planeSize(plane, width: width, height: height)
            let data = UnsafeRawPointer(inr_frame_plane(pointer, layout.ffmpegPlane[plane])!)
            let stride = Int(inr_frame_stride(pointer, layout.ffmpegPlane[plane]))
            var samples = [UInt16](repeating: 0, count: size.width * size.height)
            samples.withUnsafeMutableBufferPointer { output in
                for y in 0..<size.height {
                    let row = data + y * stride
                    let start = y * size.width
                    if layout.storedDepth == 8 {
                        for x in 0..<size.width { output[start + x] = UInt16(row.load(fromByteOffset: x, as: UInt8.self)) }
                    } else {
                        for x in 0..<size.width {
                            output[start + x] = UInt16(littleEndian: row.loadUnaligned(fromByteOffset: 2 * x, as: UInt16.self))
                        }
                    }
                }
                if shift > 0 {
                    let half = UInt32(1) << (shift - 1)
                    for i in output.indices { output[i] = UInt16(min((UInt32(output[i]) + half) >> shift, maximum)) }
                }
            }
            return samples
        }
    }

    /// Copies the clip's `planes` into the frame (made writable first: an encoder may still
    /// hold the previous contents).
    func fill(with planes: [[UInt16]], layout: SampleLayout) throws {
        try check(av_frame_make_writable(pointer), "out of memory")
        let width = Int(pointer.pointee.width), height = Int(pointer.pointee.height)
        let shift = layout.storedDepth - layout.bitDepth
        let maximum = UInt16((1 << layout.bitDepth) - 1)
        for plane in 0..<3 {
            let size = layout.planeSize(plane, width: width, height: height)
            let data = UnsafeMutableRawPointer(inr_frame_plane(pointer, layout.ffmpegPlane[plane])!)
            let stride = Int(inr_frame_stride(pointer, layout.ffmpegPlane[plane]))
            planes[plane].withUnsafeBufferPointer { input in
                for y in 0..<size.height {
                    let row = data + y * stride
                    let start = y * size.width
                    if layout.storedDepth == 8 {
                        for x in 0..<size.width { row.storeBytes(of: UInt8(min(input[start + x], maximum)), toByteOffset: x, as: UInt8.self) }
                    } else {
                        for x in 0..<size.width {
                            let sample = min(input[start + x], maximum) << shift
                            row.storeBytes(of: sample.littleEndian, toByteOffset: 2 * x, as: UInt16.self)
                        }
                    }
                }
            }
        }
    }
}

/// swscale between two frames of one size, the context kept while formats stay the same.
private final class Scaler {
    private var context: OpaquePointer?

    deinit { sws_freeContext(context) }

    /// Converts `source` into `target` (same size): BT.601 coefficients, limited-range YUV
    /// unless the source says full range, full-range RGB.
    func scale(_ source: FrameBuffer, into target: FrameBuffer) throws {
        let input = source.pointer.pointee, output = target.pointer.pointee
        let inputFormat = AVPixelFormat(rawValue: input.format), outputFormat = AVPixelFormat(rawValue: output.format)
        let flags = SWS_BICUBIC | SWS_ACCURATE_RND | SWS_FULL_CHR_H_INT | SWS_FULL_CHR_H_INP
        context = sws_getCachedContext(context, input.width, input.height, inputFormat, output.width, output.height, outputFormat, flags, nil, nil, nil)
        guard let context else {
            throw Failure("swscale cannot convert \(Self.name(inputFormat)) to \(Self.name(outputFormat))")
        }
        let coefficients = sws_getCoefficients(SWS_CS_ITU601)
        let fullRange = input.color_range == AVCOL_RANGE_JPEG || Self.name(inputFormat).hasPrefix("yuvj")
        let inputRange: Int32 = Self.isRGB(inputFormat) ? 0 : (fullRange ? 1 : 0)
        sws_setColorspaceDetails(context, coefficients, inputRange, coefficients, 0, 0, 1 << 16, 1 << 16)
        try check(inr_scale_frame(context, source.pointer, target.pointer), "swscale failed")
    }

    private static func name(_ format: AVPixelFormat) -> String {
        av_get_pix_fmt_name(format).map { String(cString: $0) } ?? "pixel format \(format.rawValue)"
    }

    private static func isRGB(_ format: AVPixelFormat) -> Bool {
        guard let descriptor = av_pix_fmt_desc_get(format) else { return false }
        return descriptor.pointee.flags & UInt64(AV_PIX_FMT_FLAG_RGB) != 0
    }
}

// MARK: - Errors

/// An FFmpeg failure before the file's path is attached.
private struct Failure: Error {
    let reason: String
    init(_ reason: String) { self.reason = reason }
}

/// Throws `what` with FFmpeg's message when `code` is negative.
@discardableResult
private func check(_ code: Int32, _ what: String) throws -> Int32 {
    guard code < 0 else { return code }
    var buffer = [CChar](repeating: 0, count: 256)
    inr_error_message(code, &buffer, buffer.count)
    let message = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    throw Failure("\(what): \(message)")
}
