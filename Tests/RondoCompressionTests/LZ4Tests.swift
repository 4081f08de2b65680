import RondoCore
import NIOCore
import RondoCompression
import XCTest

final class LZ4Tests: XCTestCase {
    private func buffer(_ bytes: [UInt8]) -> ByteBuffer { ByteBuffer(bytes: bytes) }

    func testRoundTripShapes() throws {
        var random = SystemRandomNumberGenerator()
        let inputs: [[UInt8]] = [
            [],
            [42],
            Array("hello hello hello hello hello".utf8),
            Array(repeating: 7, count: 1 << 20),
            (0..<100_000).map { _ in UInt8.random(in: 0...255, using: &random) },
        ]
        for input in inputs {
            let compressed = try LZ4.compress(buffer(input))
            let restored = try LZ4.decompress(compressed, maximumLength: 1 << 21)
            XCTAssertEqual(Array(restored.readableBytesView), input)
        }
    }

    func testCompressibleDataShrinks() throws {
        let input = Array(repeating: UInt8(ascii: "a"), count: 10_000)
        let compressed = try LZ4.compress(buffer(input))
        XCTAssertLessThan(compressed.readableBytes, 200)
    }

    func testAppendsAfterExistingBytes() throws {
        var output = ByteBuffer(string: "prefix")
        let written = try LZ4.compress(ByteBuffer(string: "payload payload"), into: &output)
        XCTAssertEqual(output.readString(length: 6), "prefix")
        XCTAssertEqual(output.readableBytes, written)
        XCTAssertEqual(String(buffer: try LZ4.decompress(output, maximumLength: 100)), "payload payload")
    }

    func testTruncatedHeaderThrows() {
        XCTAssertThrowsError(try LZ4.decompress(buffer([0, 0]), maximumLength: 10)) { error in
            XCTAssertEqual(error as? LZ4Error, .truncatedHeader(available: 2))
        }
    }

    func testDeclaredLengthAboveLimitThrowsBeforeAllocating() {
        XCTAssertThrowsError(try LZ4.decompress(buffer([0xff, 0xff, 0xff, 0xff, 0]), maximumLength: 1 << 20)) { error in
            guard case .declaredLengthTooLarge = error as? LZ4Error else { return XCTFail("\(error)") }
        }
    }

    func testTruncatedBodyThrows() throws {
        let input = ByteBuffer(bytes: (0..<5000).map { UInt8(truncatingIfNeeded: $0 &* 31) })
        let compressed = try LZ4.compress(input)
        for cut in [5, compressed.readableBytes / 2, compressed.readableBytes - 1] {
            let truncated = compressed.getSlice(at: 0, length: cut)!
            XCTAssertThrowsError(try LZ4.decompress(truncated, maximumLength: 10_000), "cut at \(cut)")
        }
    }

    func testCorruptBodiesNeverCrash() throws {
        let input = ByteBuffer(string: String(repeating: "rondo rolling upgrade ", count: 200))
        let compressed = Array(try LZ4.compress(input).readableBytesView)
        var generator = SplitMix64(seed: 0x5eed)
        var failures = 0
        for _ in 0..<2000 {
            var corrupt = compressed
            for _ in 0..<3 {
                let index = Int.random(in: 4..<corrupt.count, using: &generator)
                corrupt[index] = UInt8.random(in: 0...255, using: &generator)
            }
            do {
                let out = try LZ4.decompress(buffer(corrupt), maximumLength: 1 << 16)
                XCTAssertEqual(out.readableBytes, input.readableBytes)
            } catch {
                failures += 1
            }
        }
        XCTAssertGreaterThan(failures, 0, "random corruption should be detected at least sometimes")
    }

    func testEmptyFrameWithGarbageBodyThrows() {
        XCTAssertThrowsError(try LZ4.decompress(buffer([0, 0, 0, 0, 1, 2]), maximumLength: 10))
    }

    func testLengthMismatchThrows() throws {
        var compressed = try LZ4.compress(ByteBuffer(string: "abcdefghij"))
        // Claim one byte fewer than the block really holds.
        compressed.setInteger(UInt32(9), at: compressed.readerIndex)
        XCTAssertThrowsError(try LZ4.decompress(compressed, maximumLength: 100))
    }
}

