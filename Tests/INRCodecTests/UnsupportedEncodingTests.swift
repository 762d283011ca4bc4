import INRCodec
import INRConfig
import INRTestSupport
import XCTest

/// `inr compress` refuses an encoding the bitstream cannot store yet, saying why.
final class UnsupportedEncodingTests: XCTestCase {
    func testTheEncodersRefuseAGridEncoding() throws {
        let config = try CodecConfig.load(TestSupport.path("Configs/image/grid.yaml"))
        XCTAssertThrowsError(try ImageEncoder(settings: config.imageEncoderSettings, threads: 1)) { error in
            XCTAssertTrue("\(error)".contains("'grid' has trainable parameters"), "\(error)")
        }
        XCTAssertThrowsError(try VideoEncoder(settings: config.videoEncoderSettings, threads: 1))
    }
}
