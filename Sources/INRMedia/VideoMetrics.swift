/// Per-frame PSNR of a clip, as the video-coding literature reports it: per frame over the
/// chosen planes, peak 2^bits - 1, then averaged over the frames (the mean of the per-frame
/// PSNRs, as `Tools/video_baselines.py` does for x264 and x265).
extension Metrics {
    /// PSNR of each frame of `reconstruction` against `original` over `planes`: `0..<1` is Y
    /// (of YUV) or R (of RGB), `0..<3` every sample. `.infinity` for an identical frame.
    public static func framePSNRs(_ original: Video, _ reconstruction: Video, planes: Range<Int>) -> [Double] {
        precondition(
            original.width == reconstruction.width && original.height == reconstruction.height && original.format == reconstruction.format
                && original.bitDepth == reconstruction.bitDepth && original.frames.count == reconstruction.frames.count,
            "PSNR needs clips of the same shape")
        return zip(original.frames, reconstruction.frames).map { a, b in
            var sum = 0.0, count = 0
            for plane in planes {
                for (x, y) in zip(a.planes[plane], b.planes[plane]) {
                    let d = Double(x) - Double(y)
                    sum += d * d
                }
                count += a.planes[plane].count
            }
            return psnr(meanSquaredError: sum / Double(count), peak: Double(original.maximumValue))
        }
    }

    /// The mean of `values` (the clip's PSNR from per-frame PSNRs).
    public static func mean(_ values: [Double]) -> Double {
        values.isEmpty ? .nan : values.reduce(0, +) / Double(values.count)
    }
}
