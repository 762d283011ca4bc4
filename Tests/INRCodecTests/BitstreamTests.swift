import Foundation
import INRCodec
import INRCoding
import INRFormat
import INRCore
import INRMedia
import INRModel
import INRNetwork
import INRTestSupport
import XCTest

final class BitstreamTests: XCTestCase {
    static let golden: [(file: String, sha256: String)] = {
        let manifest = (try? String(contentsOfFile: TestSupport.path("Media/golden/MANIFEST.tsv"), encoding: .utf8)) ?? ""
        // The coordinate-network image files (the video and latent files have their own tests,
        // VideoCodecTests, SegmentedVideoTests and LatentCodecTests).
        return manifest.split(separator: "\n").dropFirst().filter { !$0.hasPrefix("video") && !$0.hasPrefix("latent") }.map { line in
            let fields = line.split(separator: "\t")
            return (TestSupport.path("Media/golden/" + fields[0]), String(fields[1]))
        }
    }()

    static func bytes(_ path: String) throws -> [UInt8] { [UInt8](try Data(contentsOf: URL(fileURLWithPath: path))) }

    /// Golden files decode to the pinned samples, on 1 and 2 threads.
    func testGoldenFilesDecodeToTheirDigests() throws {
        XCTAssertEqual(Self.golden.count, 7)
        for (file, digest) in Self.golden {
            let bytes = try Self.bytes(file)
            for threads in [1, 2] {
                let image = try ImageDecoder(threads: threads).decode(bytes)
                XCTAssertEqual(SHA256.hex(image.sampleBytes), digest, "\(file), \(threads) thread(s)")
            }
            // Writing what was read gives the same bytes: the format has one encoding per content.
            XCTAssertEqual(ImageFormat.bytes(try ImageFormat.read(bytes)), bytes, file)
        }
    }

    /// Every registered encoding's examples with every activation: written and read back equal.
    func testEveryEncodingRoundTrips() throws {
        for encoding in EncodingModel.examples {
            for activation in NetworkSpec.ActivationKind.allCases {
                let spec = NetworkSpec(inputWidth: encoding.encoding.outputWidth, hiddenWidths: [7, 5], outputWidth: 4,
                                       activation: activation, omega0: 25, firstOmega0: 35, outputActivation: activation)
                let quantizer = UniformQuantizer(spec: QuantizationSpec(weightBits: 9, biasBits: 11, granularity: .channel))
                let image = CompressedImage(width: 33, height: 17, channels: 4, bitDepth: 16, encoding: encoding,
                                            parameters: quantizer.quantize(Parameters(spec: spec, encoding: encoding.encoding, seed: 3)))
                let bytes = ImageFormat.bytes(image)
                let decoded = try ImageFormat.read(bytes)
                XCTAssertEqual(decoded.encoding, encoding, encoding.encoding.summary)
                XCTAssertEqual(decoded.parameters.symbols, image.parameters.symbols)
                XCTAssertEqual(decoded.parameters.stepSizes, image.parameters.stepSizes)
                XCTAssertEqual(decoded.parameters.spec.layers, spec.layers)
                XCTAssertEqual(decoded.parameters.layout, image.parameters.layout)
                XCTAssertEqual([decoded.width, decoded.height, decoded.channels, decoded.bitDepth], [33, 17, 4, 16])
                XCTAssertEqual(ImageFormat.bytes(decoded), bytes)
            }
        }
    }

    /// The container reads a file once into its sections and writes them back byte for byte;
    /// the registry knows each golden file's kind and names the kinds it reads.
    func testContainerAndMediaKindRegistry() throws {
        let kinds = MediaFormats.registered.map { $0.kind }
        XCTAssertEqual(Set(kinds).count, kinds.count, "one format per media kind")
        for path in Self.golden.map(\.file) + [TestSupport.path("Media/golden/video-nirvana.inr")] {
            let bytes = try Self.bytes(path)
            let container = try Container(reading: bytes)
            let format = try container.format()
            XCTAssertEqual(container.bytes, bytes, path)
            XCTAssertEqual(container.size, bytes.count, path)
            XCTAssertEqual(Container(sections: container.sections).size, bytes.count, path)
            XCTAssertEqual(container.sections.map(\.tag), [Container.headTag] + format.sections, path)
            let lines = try format.describe(container)
            XCTAssertFalse(lines.isEmpty, path)
        }
        var head = try Container(reading: try Self.bytes(Self.golden[0].file)).sections
        head[0] = Container.Section(Container.headTag, [9] + head[0].payload.dropFirst())
        XCTAssertThrowsError(try Container(reading: Container(sections: head).bytes)) { error in
            XCTAssertEqual("\(error)", "corrupt HEAD: media kind 9 is not an image, a lossless image, a video, a stored image, a segmented video or a latent image (this build reads kinds 1 to 6)")
        }
    }

    func testDamagedFilesAreRefusedWithReasons() throws {
        let bytes = try Self.bytes(Self.golden[0].file)
        for length in 0..<bytes.count {
            XCTAssertThrowsError(try ImageFormat.read(Array(bytes.prefix(length))), "truncated to \(length)")
        }
        var version = bytes
        version[4] = 5
        XCTAssertThrowsError(try ImageFormat.read(version)) { error in
            XCTAssertEqual("\(error)", "format version 5 is not supported by this build (it reads versions 1 to 4)")
        }
        version[4] = 0
        XCTAssertThrowsError(try ImageFormat.read(version)) { XCTAssertTrue("\($0)".contains("format version 0 is not supported"), "\($0)") }
        // An image file says version 1, as every build before segmented video wrote; a newer
        // version byte on an older kind reads the same.
        XCTAssertEqual(bytes[4], 1)
        version[4] = 2
        XCTAssertEqual(try ImageFormat.read(version), try ImageFormat.read(bytes))
        XCTAssertThrowsError(try ImageFormat.read(Array("INRM".utf8) + bytes.dropFirst(4))) { XCTAssertEqual($0 as? BitstreamError, .notINR) }
        var flipped = bytes
        flipped[bytes.count / 2] ^= 0x10
        XCTAssertThrowsError(try ImageFormat.read(flipped)) { XCTAssertTrue("\($0)".contains("checksum") || "\($0)".contains("corrupt"), "\($0)") }
    }

    /// Headers announcing absurd sizes are refused before anything is allocated for them.
    func testAbsurdHeadersAreRefused() throws {
        func file(head: [UInt8], network: [UInt8] = [1, 4, 1, 0, 0, 0, 240, 65, 0, 0, 240, 65]) -> [UInt8] {
            var bytes = Container.magic + [1]
            for (tag, payload) in [("HEAD", head), ("NETW", network), ("ENCO", [0]), ("QUAN", [0, 8, 8]), ("WGHT", [0, 0, 0, 0, 0, 0])] {
                var writer = ByteWriter()
                writer.append(Array(tag.utf8))
                writer.append(varint: payload.count)
                writer.append(payload)
                writer.append(CRC32.checksum(Array(tag.utf8) + payload))
                bytes += writer.bytes
            }
            return bytes
        }
        var huge = ByteWriter()
        huge.append(byte: 1)
        huge.append(varint: 1 << 40)
        huge.append(varint: 1 << 40)
        huge.append(byte: 3)
        huge.append(byte: 8)
        XCTAssertThrowsError(try ImageFormat.read(file(head: huge.bytes))) { XCTAssertTrue("\($0)".contains("width"), "\($0)") }
        var wide = ByteWriter()
        wide.append(byte: 1)
        wide.append(varint: 1 << 20)
        wide.append(varint: 1 << 20)
        wide.append(byte: 3)
        wide.append(byte: 8)
        XCTAssertThrowsError(try ImageFormat.read(file(head: wide.bytes))) { XCTAssertTrue("\($0)".contains("too large"), "\($0)") }
        var manyLayers = ByteWriter()
        manyLayers.append(varint: 1 << 30)
        XCTAssertThrowsError(try ImageFormat.read(file(head: [1, 8, 8, 3, 8], network: manyLayers.bytes))) { XCTAssertTrue("\($0)".contains("layer"), "\($0)") }
        var hugeLayer = ByteWriter()
        hugeLayer.append(varint: 2)
        hugeLayer.append(varint: 30000)
        hugeLayer.append(varint: 30000)
        hugeLayer.append([1, 0, 0, 0, 240, 65, 0, 0, 240, 65])
        XCTAssertThrowsError(try ImageFormat.read(file(head: [1, 8, 8, 3, 8], network: hugeLayer.bytes))) { XCTAssertTrue("\($0)".contains("parameters"), "\($0)") }
        let image = try ImageFormat.read(try Self.bytes(Self.golden[0].file))
        XCTAssertThrowsError(try ImageDecoder(threads: 1).decode(image, scale: 1e6))
    }

    /// 10,000 mutations of the golden files (flipped, inserted, deleted and overwritten bytes,
    /// truncations; half with their CRCs recomputed so the parsers behind them see the damage)
    /// end in an error or in a well-formed image, never in a crash or a hang.
    func testMutatedFilesNeverCrash() throws {
        var generator = SeededGenerator(seed: 5)
        let originals = try Self.golden.map { try Self.bytes($0.file) }
        var refused = 0, accepted = 0
        let decoder = try ImageDecoder(threads: 1)
        for round in 0..<10_000 {
            let bytes = Self.mutated(originals[round % originals.count], fixingChecksums: round % 2 == 1, generator: &generator)
            do {
                let image = try ImageFormat.read(bytes)
                if image.width * image.height <= 128 * 128 { _ = try decoder.decode(image) }
                accepted += 1
            } catch {
                refused += 1
            }
        }
        XCTAssertEqual(refused + accepted, 10_000)
        XCTAssertGreaterThan(refused, 5_000)
    }

    /// `bytes` with 1–4 random flips, overwrites, insertions, deletions or truncations, then,
    /// with `fixingChecksums`, every section's CRC rewritten so the parsers behind it see the damage.
    static func mutated(_ bytes: [UInt8], fixingChecksums: Bool, generator: inout SeededGenerator) -> [UInt8] {
        var bytes = bytes
        for _ in 0..<(1 + generator.nextIndex(below: 4)) {
            let position = generator.nextIndex(below: bytes.count)
            switch generator.nextIndex(below: 5) {
            case 0: bytes[position] ^= UInt8(1 << generator.nextIndex(below: 8))
            case 1: bytes[position] = UInt8(generator.nextIndex(below: 256))
            case 2: bytes.insert(UInt8(generator.nextIndex(below: 256)), at: position)
            case 3: bytes.remove(at: position)
            default: bytes = Array(bytes.prefix(position))
            }
            if bytes.isEmpty { break }
        }
        return fixingChecksums ? recomputingChecksums(bytes) : bytes
    }

    /// Walks the sections as well as it can and rewrites each CRC to match its payload.
    static func recomputingChecksums(_ bytes: [UInt8]) -> [UInt8] {
        guard bytes.count > 5 else { return bytes }
        var output = Array(bytes.prefix(5))
        var position = 5
        while position + 4 < bytes.count {
            var reader = ByteReader(bytes[(position + 4)...], context: "")
            guard let length = try? reader.varint(), length <= reader.remaining, reader.remaining - length >= 4 else { break }
            let headerEnd = reader.position
            let tag = Array(bytes[position..<(position + 4)]), payload = Array(bytes[headerEnd..<(headerEnd + length)])
            output += bytes[position..<headerEnd] + payload
            var writer = ByteWriter()
            writer.append(CRC32.checksum(tag + payload))
            output += writer.bytes
            position = headerEnd + length + 4
        }
        return output + bytes[min(position, bytes.count)...]
    }
}
