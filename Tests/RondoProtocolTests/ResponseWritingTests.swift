import NIOCore
import XCTest

@testable import RondoProtocol

final class ResponseWritingTests: XCTestCase {
    func testDecimalDigits() {
        var buffer = ByteBuffer()
        for value: UInt64 in [0, 7, 10, 99, 100, 12345, .max] {
            buffer.clear()
            buffer.writeDecimal(value)
            XCTAssertEqual(String(buffer: buffer), String(value))
        }
        for value: Int64 in [-1, -10, .min, .max] {
            buffer.clear()
            buffer.writeDecimal(value)
            XCTAssertEqual(String(buffer: buffer), String(value))
        }
    }

    func testLineAndParsing() {
        var buffer = ByteBuffer()
        buffer.writeLine("STORED")
        XCTAssertEqual(String(buffer: buffer), "STORED\r\n")
        XCTAssertEqual(bytes("18446744073709551615").parseDecimalUInt64(), .max)
        XCTAssertNil(bytes("18446744073709551616").parseDecimalUInt64())
        XCTAssertNil(bytes("+1").parseDecimalUInt64())
        XCTAssertNil(bytes("").parseDecimalUInt64())
        XCTAssertEqual(bytes("-42").parseDecimalInt64(), -42)
        XCTAssertNil(bytes("-").parseDecimalInt64())
        XCTAssertNil(bytes("1x").parseDecimalInt64())
    }
}
