import NIOCore
import RondoProtocol
import XCTest

final class RawReplyWriterTests: XCTestCase {
    func testDecimalDigitCountsAtEveryPowerOfTen() {
        XCTAssertEqual(RawReplyWriter.decimalDigitCount(0), 1)
        var power: UInt64 = 1
        for digits in 1...19 {
            XCTAssertEqual(RawReplyWriter.decimalDigitCount(power), digits, "\(power)")
            XCTAssertEqual(RawReplyWriter.decimalDigitCount(power * 10 - 1), digits, "\(power * 10 - 1)")
            power *= 10
        }
        XCTAssertEqual(RawReplyWriter.decimalDigitCount(UInt64.max), 20)
    }

    func testPiecesLandWhereTheReturnedIndicesSay() {
        var buffer = ByteBuffer()
        let values: [UInt64] = [0, 7, 10, 4_294_967_295, UInt64.max]
        let key = ByteBuffer(string: "key:1")
        let total = values.reduce(0) { $0 + RawReplyWriter.decimalDigitCount($1) + 1 } + 4 + key.readableBytes
        buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: total) { target in
            var at = RawReplyWriter.copy("GOT ", to: target, at: 0)
            at = key.withUnsafeReadableBytes { RawReplyWriter.copy($0, to: target, at: at) }
            for value in values {
                at = RawReplyWriter.write(UInt8(ascii: " "), to: target, at: at)
                at = RawReplyWriter.writeDecimal(value, digits: RawReplyWriter.decimalDigitCount(value), to: target, at: at)
            }
            return at
        }
        XCTAssertEqual(String(buffer: buffer), "GOT key:1 0 7 10 4294967295 18446744073709551615")
    }
}
