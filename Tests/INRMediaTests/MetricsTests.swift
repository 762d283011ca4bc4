import INRMedia
import XCTest

final class MetricsTests: XCTestCase {
    /// Against pytorch-msssim on a synthetic pair (Tools/reference/msssim_reference.py prints
    /// the expected value from the same formulas).
    func testMSSSIMMatchesPytorchMSSSIM() throws {
        let height = 192, width = 176
        var original: [UInt16] = [], reconstruction: [UInt16] = []
        for r in 0..<height {
            for c in 0..<width {
                for k in 0..<3 {
                    let value = (7 * r + 13 * c + 50 * k + (r * c) % 17) % 256
                    original.append(UInt16(value))
                    reconstruction.append(UInt16(min(max(value + (3 * r + 5 * c + 7 * k) % 9 - 4, 0), 255)))
                }
            }
        }
        let a = Image(width: width, height: height, channels: 3, bitDepth: 8, samples: original)
        let b = Image(width: width, height: height, channels: 3, bitDepth: 8, samples: reconstruction)
        XCTAssertEqual(try Metrics.msSSIM(a, b), 0.999_789_016_0, accuracy: 1e-8)
        XCTAssertEqual(try Metrics.msSSIM(a, a), 1, accuracy: 1e-12)
        XCTAssertThrowsError(try Metrics.msSSIM(a.cropped(left: 0, top: 0, width: 100, height: 100), b.cropped(left: 0, top: 0, width: 100, height: 100)))
    }
}
