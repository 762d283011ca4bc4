import INRCoding
import INRFormat
import INRTestSupport
import XCTest

/// The decoder's budget: refused from the header, before any weight is decoded.
final class DecodeBudgetTests: XCTestCase {
    func testTheEnvironmentRaisesOrLowersEachLimit() throws {
        XCTAssertEqual(try DecodeBudget.current([:]), .standard)
        let raised = try DecodeBudget.current(["INR_DECODE_MAX_PIXELS": "1e9", "INR_DECODE_MAX_MULTIPLY_ADDS": "2e12", "INR_DECODE_MAX_SAMPLES": "4096"])
        XCTAssertEqual(raised, DecodeBudget(pixels: 1_000_000_000, multiplyAdds: 2_000_000_000_000, samples: 4096))
        for bad in ["", "lots", "-1", "0", "nan", "1e400", "1.5"] {
            XCTAssertThrowsError(try DecodeBudget.current(["INR_DECODE_MAX_SAMPLES": bad])) { error in
                XCTAssertEqual("\(error)", "INR_DECODE_MAX_SAMPLES=\(bad): expected a positive whole number such as 1e12")
            }
        }
    }

    func testCraftedHeadersAreRefusedBeforeTheWeights() throws {
        let huge = CraftedFiles.imageWithHugeNetwork()
        XCTAssertThrowsError(try ImageFormat.read(huge)) { error in
            guard case BitstreamError.overBudget(let message) = error else { return XCTFail("\(error)") }
            XCTAssert(message.hasPrefix("decoding a 256×256 image takes 1.07e+12 multiply-adds"), message)
        }
        // The same file within a raised budget parses (its weights are all zero).
        let raised = DecodeBudget(pixels: 1 << 26, multiplyAdds: 1 << 41, samples: 1 << 29)
        XCTAssertEqual(try ImageFormat.read(huge, budget: raised).width, 256)
        XCTAssertNoThrow(try ImageFormat.read(CraftedFiles.imageWithSmallNetwork()))

        for depth in [8, 16] {
            XCTAssertThrowsError(try VideoFormat.read(CraftedFiles.videoWithHugeFrames(bitDepth: depth))) { error in
                guard case BitstreamError.overBudget(let message) = error else { return XCTFail("\(error)") }
                XCTAssertEqual(message, "decoding a 9400×9400 clip of 12 frames makes 1590480000 samples, above the decoder's limit of 536870912 (raise it with INR_DECODE_MAX_SAMPLES)")
            }
        }
        XCTAssertNoThrow(try VideoDecoder(threads: 1).decode(CraftedFiles.videoWithSmallFrames()))
    }
}
