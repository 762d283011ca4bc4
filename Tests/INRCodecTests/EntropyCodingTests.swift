import Foundation
import INRCodec
import INRCoding
import INRFormat
import INRCore
import XCTest

final class EntropyCodingTests: XCTestCase {
    func testBitsRoundTripThroughAdaptiveAndDirectCoding() {
        var generator = SeededGenerator(seed: 1)
        var bits: [(context: Int, bit: Bool, direct: UInt32?)] = []
        let skew = (0..<8).map { _ in generator.nextUnit() }
        for _ in 0..<20_000 {
            let context = generator.nextIndex(below: 8)
            if generator.nextIndex(below: 10) == 0 {
                bits.append((context, false, UInt32(generator.nextIndex(below: 1 << 12))))
            } else {
                bits.append((context, generator.nextUnit() < skew[context], nil))
            }
        }
        var encoder = RangeEncoder()
        var models = [BitModel](repeating: BitModel(), count: 8)
        for item in bits {
            if let direct = item.direct { encoder.encodeDirect(direct, count: 12) } else { encoder.encode(item.bit, &models[item.context]) }
        }
        let code = encoder.finish()
        var decoder = RangeDecoder(code)
        models = [BitModel](repeating: BitModel(), count: 8)
        for item in bits {
            if let direct = item.direct {
                XCTAssertEqual(decoder.decodeDirect(count: 12), direct)
            } else {
                XCTAssertEqual(decoder.decode(&models[item.context]), item.bit)
            }
        }
        XCTAssertTrue(decoder.startsWell)
        XCTAssertLessThanOrEqual(decoder.overrun, 4)
        // Skewed contexts compress: fewer bytes than the bits would take as is.
        XCTAssertLessThan(code.count, (bits.filter { $0.direct == nil }.count + 12 * bits.filter { $0.direct != nil }.count) / 8)
    }

    func testIntegersRoundTripAndApproachTheirEntropy() {
        var generator = SeededGenerator(seed: 2)
        // Laplacian integers with scale 6, and the extremes.
        var values: [Int32] = (0..<50_000).map { _ in
            let u = generator.nextUnit() - 0.5
            return Int32((-6 * log(1 - 2 * abs(u)) * (u < 0 ? -1 : 1)).rounded())
        }
        values += [0, 1, -1, Int32(1 << 17) - 1, -(Int32(1 << 17) - 1), 1 << 16, -(1 << 16)]
        var encoder = RangeEncoder()
        var model = IntegerModel()
        for value in values { model.encode(value, into: &encoder) }
        let code = encoder.finish()
        var decoder = RangeDecoder(code)
        model = IntegerModel()
        for value in values { XCTAssertEqual(model.decode(from: &decoder), value) }
        var histogram: [Int32: Int] = [:]
        for value in values { histogram[value, default: 0] += 1 }
        let entropy = histogram.values.reduce(0.0) { $0 - Double($1) * log2(Double($1) / Double(values.count)) }
        XCTAssertLessThan(Double(code.count * 8), entropy * 1.02, "adaptive code within 2% of the empirical entropy")
    }

    func testDecoderSurvivesGarbage() {
        var generator = SeededGenerator(seed: 3)
        for length in [0, 1, 3, 10, 1000] {
            var decoder = RangeDecoder((0..<length).map { _ in UInt8(generator.nextIndex(below: 256)) })
            var model = IntegerModel()
            for _ in 0..<2000 { _ = model.decode(from: &decoder) }  // bounded work, no trap
        }
    }

    func testSHA256KnownVectors() {
        XCTAssertEqual(SHA256.hex([UInt8]()), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        XCTAssertEqual(SHA256.hex(Array("abc".utf8)), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        XCTAssertEqual(SHA256.hex(Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8)),
                       "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        XCTAssertEqual(SHA256.hex([UInt8](repeating: 0x61, count: 1_000_000)), "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }
}
