import INRMedia

/// Where a clip is cut into closed segments (docs/scale-out.md): each segment's first group is
/// fitted from the seed rather than from the group before, so segments are encoded
/// independently and a file of them (`SegmentedVideoFormat`) is their files one after another.
///
///     clip of F frames, ⌈F/G⌉ groups of G
///       ─► N parts at group boundaries, ⌊j·groups/N⌋ · G for j = 0 … N   (--segment k/N)
///       ─► within each part: a cut every K groups (video.segmentGroups) and at every frame
///          whose luma differs from the frame before by more than the threshold (video.sceneCut)
///
/// A part's cuts depend only on its own frames, so a worker needs no other part's.
public struct VideoSegments: Sendable, Equatable {
    /// G: frames per group.
    public var groupSize: Int
    /// K: a cut every K groups of a part, counted from its start and from each scene cut; 0: none.
    public var segmentGroups: Int
    /// A cut before a frame whose luma differs from the frame before's by more than this mean
    /// absolute difference, as a fraction of the peak (`sceneChange(between:and:bitDepth:)`); nil: none.
    public var sceneCut: Double?

    public init(groupSize: Int, segmentGroups: Int = 0, sceneCut: Double? = nil) {
        self.groupSize = groupSize
        self.segmentGroups = segmentGroups
        self.sceneCut = sceneCut
    }

    /// Whether a whole clip (one part) may be cut at all: the config asks for cuts.
    public var cutsWholeClips: Bool { segmentGroups > 0 || sceneCut != nil }

    /// Part `index` of `count`'s frames: whole groups, the parts as even as whole groups allow.
    /// Nil when the clip has fewer groups than parts.
    public func part(_ index: Int, of count: Int, frameCount: Int) -> Range<Int>? {
        let groups = (frameCount + groupSize - 1) / groupSize
        guard (1...groups).contains(count), (0..<count).contains(index) else { return nil }
        let start = index * groups / count * groupSize, end = min((index + 1) * groups / count * groupSize, frameCount)
        return start..<end
    }

    /// The segments of the frames `range` of `video` (a part): cut every `segmentGroups`
    /// groups and at scene changes, in frame order.
    public func segments(of range: Range<Int>, in video: Video) -> [Range<Int>] {
        var cuts: [Int] = []
        if let sceneCut {
            for frame in (range.lowerBound + 1)..<range.upperBound
            where Self.sceneChange(between: video.frames[frame - 1], and: video.frames[frame], video: video) > sceneCut {
                cuts.append(frame)
            }
        }
        var segments: [Range<Int>] = []
        var start = range.lowerBound
        for end in cuts + [range.upperBound] {
            // A scene's frames, cut every K groups.
            let step = segmentGroups > 0 ? segmentGroups * groupSize : end - start
            var from = start
            while from < end {
                segments.append(from..<min(from + step, end))
                from += step
            }
            start = end
        }
        return segments
    }

    /// The mean absolute difference of two frames' luma as a fraction of the peak: 0 for equal
    /// frames, about 0.01–0.05 between frames of one shot, 0.1 and more across a cut.
    public static func sceneChange(between first: Video.Frame, and second: Video.Frame, video: Video) -> Double {
        let (a, b) = (first.planes[0], second.planes[0])
        var sum = 0
        for index in a.indices { sum += abs(Int(a[index]) - Int(b[index])) }
        return Double(sum) / Double(a.count) / Double(video.maximumValue)
    }
}
