import NIOCore
import XCTest

@testable import RondoProtocol

final class ClassicCommandDecodingTests: XCTestCase {
    func testRetrievalCommands() throws {
        XCTAssertEqual(try decodeOne("get a\r\n"), .retrieve(RetrievalRequest(command: .get, keys: keys("a"))))
        XCTAssertEqual(try decodeOne("gets a  b c\r\n"), .retrieve(RetrievalRequest(command: .gets, keys: keys("a b c"))))
        XCTAssertEqual(try decodeOne("gat 10 a b\r\n"), .retrieve(RetrievalRequest(command: .gat, exptime: 10, keys: keys("a b"))))
        XCTAssertEqual(try decodeOne("gats -1 a\r\n"), .retrieve(RetrievalRequest(command: .gats, exptime: -1, keys: keys("a"))))
        // memcached answers `gat <exptime>` without keys with END.
        XCTAssertEqual(try decodeOne("gat 10\r\n"), .retrieve(RetrievalRequest(command: .gat, exptime: 10, keys: keys(""))))
        XCTAssertEqual(try decodeOne("get\r\n"), .error(.unknownCommand, noreply: false))
        XCTAssertEqual(try decodeOne("gat abc a\r\n"), .error(.invalidExptime, noreply: false))
        XCTAssertEqual(try decodeOne("get version\n"), .retrieve(RetrievalRequest(command: .get, keys: keys("version"))))
    }

    func testKeyListIteratesSlices() throws {
        let list = keys("  one two   three ")
        XCTAssertEqual(list.map { String(buffer: $0) }, ["one", "two", "three"])
    }

    func testStorageCommands() throws {
        XCTAssertEqual(try decodeOne("set k 5 10 3\r\nabc\r\n"), storage(.set, "k", flags: 5, exptime: 10, value: "abc"))
        XCTAssertEqual(try decodeOne("add k 0 0 0\r\n\r\n"), storage(.add, "k", value: ""))
        XCTAssertEqual(try decodeOne("replace k 0 0 1 noreply\r\nx\r\n"), storage(.replace, "k", noreply: true, value: "x"))
        XCTAssertEqual(try decodeOne("append k 0 0 1\r\nx\r\n"), storage(.append, "k", value: "x"))
        XCTAssertEqual(try decodeOne("prepend k 0 0 1\r\nx\r\n"), storage(.prepend, "k", value: "x"))
        XCTAssertEqual(try decodeOne("cas k 1 2 1 99\r\nx\r\n"), storage(.cas, "k", flags: 1, exptime: 2, cas: 99, value: "x"))
        XCTAssertEqual(try decodeOne("cas k 1 2 1 99 noreply\r\nx\r\n"), storage(.cas, "k", flags: 1, exptime: 2, cas: 99, noreply: true, value: "x"))
        // A sixth token that is not noreply is ignored, as memcached does.
        XCTAssertEqual(try decodeOne("set k 0 0 1 foo\r\nx\r\n"), storage(.set, "k", value: "x"))
        // Flags keep their low 32 bits, like memcached's strtoul into a uint32.
        XCTAssertEqual(try decodeOne("set k 4294967296 0 1\r\nx\r\n"), storage(.set, "k", flags: 0, value: "x"))
        // Data blocks may contain CR, LF and anything else.
        XCTAssertEqual(try decodeOne("set k 0 0 4\r\n\r\n\r\n\r\n"), storage(.set, "k", value: "\r\n\r\n"))
    }

    func testOtherCommands() throws {
        XCTAssertEqual(try decodeOne("delete k\r\n"), .delete(key: bytes("k"), noreply: false))
        XCTAssertEqual(try decodeOne("delete k 0\r\n"), .delete(key: bytes("k"), noreply: false))
        XCTAssertEqual(try decodeOne("delete k noreply\r\n"), .delete(key: bytes("k"), noreply: true))
        XCTAssertEqual(try decodeOne("delete k 0 noreply\r\n"), .delete(key: bytes("k"), noreply: true))
        XCTAssertEqual(try decodeOne("delete k 5\r\n"), .error(.deleteUsage, noreply: false))
        XCTAssertEqual(try decodeOne("incr k 5\r\n"), .arithmetic(ArithmeticRequest(key: bytes("k"), delta: 5, increment: true, noreply: false)))
        XCTAssertEqual(try decodeOne("decr k 18446744073709551615 noreply\r\n"), .arithmetic(ArithmeticRequest(key: bytes("k"), delta: .max, increment: false, noreply: true)))
        XCTAssertEqual(try decodeOne("incr k -1\r\n"), .error(.invalidDelta, noreply: false))
        XCTAssertEqual(try decodeOne("incr k\r\n"), .error(.unknownCommand, noreply: false))
        XCTAssertEqual(try decodeOne("touch k 10\r\n"), .touch(key: bytes("k"), exptime: 10, noreply: false))
        XCTAssertEqual(try decodeOne("touch k abc\r\n"), .error(.invalidExptime, noreply: false))
        XCTAssertEqual(try decodeOne("flush_all\r\n"), .flushAll(delay: 0, noreply: false))
        XCTAssertEqual(try decodeOne("flush_all 10\r\n"), .flushAll(delay: 10, noreply: false))
        XCTAssertEqual(try decodeOne("flush_all noreply\r\n"), .flushAll(delay: 0, noreply: true))
        XCTAssertEqual(try decodeOne("flush_all 5 noreply\r\n"), .flushAll(delay: 5, noreply: true))
        XCTAssertEqual(try decodeOne("flush_all abc\r\n"), .error(.invalidExptime, noreply: false))
        XCTAssertEqual(try decodeOne("flush_all 0 noreply x\r\n"), .error(.unknownCommand, noreply: false))
        XCTAssertEqual(try decodeOne("version\r\n"), .version)
        XCTAssertEqual(try decodeOne("verbosity 1\r\n"), .verbosity(noreply: false))
        XCTAssertEqual(try decodeOne("verbosity 1 noreply\r\n"), .verbosity(noreply: true))
        XCTAssertEqual(try decodeOne("verbosity\r\n"), .error(.unknownCommand, noreply: false))
        XCTAssertEqual(try decodeOne("verbosity abc\r\n"), .error(.badCommandLineFormat, noreply: false))
        XCTAssertEqual(try decodeOne("stats\r\n"), .stats(.general))
        XCTAssertEqual(try decodeOne("stats settings\r\n"), .stats(.settings))
        XCTAssertEqual(try decodeOne("stats items\r\n"), .stats(.items))
        XCTAssertEqual(try decodeOne("stats slabs\r\n"), .stats(.slabs))
        XCTAssertEqual(try decodeOne("stats sizes\r\n"), .stats(.sizes))
        XCTAssertEqual(try decodeOne("stats reset\r\n"), .stats(.reset))
        XCTAssertEqual(try decodeOne("stats foo\r\n"), .error(.unknownCommand, noreply: false))
        XCTAssertEqual(try decodeOne("quit\r\n"), .quit)
        XCTAssertEqual(try decodeOne("rondo_routing\r\n"), .routingTable)
        XCTAssertEqual(try decodeOne("rondo_routing x\r\n"), .error(.unknownCommand, noreply: false))
    }

    func testUnknownAndUpperCaseCommandsAreErrors() throws {
        XCTAssertEqual(try decodeOne("GET a\r\n"), .error(.unknownCommand, noreply: false))
        XCTAssertEqual(try decodeOne("bogus\r\n"), .error(.unknownCommand, noreply: false))
        XCTAssertEqual(try decodeOne("\r\n"), .error(.unknownCommand, noreply: false))
        XCTAssertEqual(try decodeOne("xx\r\n"), .error(.unknownCommand, noreply: false))
        XCTAssertEqual(try decodeOne("get\ta\r\n"), .error(.unknownCommand, noreply: false))
        XCTAssertEqual(try decodeOne("set a 0\r\n"), .error(.unknownCommand, noreply: false))
        XCTAssertEqual(try decodeAll("set a 0 0 1 noreply extra\r\nx\r\n"), [.error(.unknownCommand, noreply: false), .error(.unknownCommand, noreply: false)])
    }

    func testMalformedStorageLinesDoNotSwallowTheDataBlock() throws {
        // memcached answers the line and then parses the data block as a command.
        XCTAssertEqual(
            try decodeAll("set a 0 0 -1\r\nget a\r\n"),
            [.error(.badCommandLineFormat, noreply: false), .retrieve(RetrievalRequest(command: .get, keys: keys("a")))])
        XCTAssertEqual(try decodeAll("set a 0 0 abc\r\nx\r\n"), [.error(.badCommandLineFormat, noreply: false), .error(.unknownCommand, noreply: false)])
        XCTAssertEqual(try decodeAll("set a -1 0 1\r\nx\r\n"), [.error(.badCommandLineFormat, noreply: false), .error(.unknownCommand, noreply: false)])
        XCTAssertEqual(try decodeAll("set a 0 x 1\r\nx\r\n"), [.error(.badCommandLineFormat, noreply: false), .error(.unknownCommand, noreply: false)])
        XCTAssertEqual(try decodeAll("cas a 0 0 1 abc\r\nx\r\n"), [.error(.badCommandLineFormat, noreply: false), .error(.unknownCommand, noreply: false)])
        // With noreply, memcached suppresses even the format error.
        XCTAssertEqual(try decodeAll("set a 0 abc 1 noreply\r\nx\r\n"), [.error(.badCommandLineFormat, noreply: true), .error(.unknownCommand, noreply: false)])
    }

    func testKeyLength() throws {
        let key250 = String(repeating: "k", count: 250)
        let key251 = String(repeating: "k", count: 251)
        XCTAssertEqual(try decodeOne("set \(key250) 0 0 1\r\nx\r\n"), storage(.set, key250, value: "x"))
        XCTAssertEqual(
            try decodeAll("set \(key251) 0 0 1\r\nx\r\n"),
            [.error(.badCommandLineFormat, noreply: false), .error(.unknownCommand, noreply: false)])
        XCTAssertEqual(try decodeOne("get a \(key251) b\r\n"), .error(.badCommandLineFormat, noreply: false))
        XCTAssertEqual(try decodeOne("delete \(key251)\r\n"), .error(.badCommandLineFormat, noreply: false))
    }

    func testBadDataChunkConsumesExactlyTheBlockAndContinues() throws {
        // memcached 1.6.18: "abc" + "de" is a bad chunk, then the trailing CRLF is an empty command.
        XCTAssertEqual(
            try decodeAll("set a 0 0 3\r\nabcde\r\nget a\r\n"),
            [.error(.badDataChunk, noreply: false), .error(.unknownCommand, noreply: false),
             .retrieve(RetrievalRequest(command: .get, keys: keys("a")))])
        XCTAssertEqual(try decodeAll("set a 0 0 1 noreply\r\nxyz\r\n"), [.error(.badDataChunk, noreply: true), .error(.unknownCommand, noreply: false)])
    }

    func testTooLargeItemIsSwallowedThenAnswered() throws {
        let limits = ProtocolLimits(maxItemBytes: 10)
        let input = "set a 0 0 11\r\n" + String(repeating: "y", count: 11) + "\r\nget a\r\n"
        XCTAssertEqual(
            try decodeAll(input, limits: limits),
            [.error(.objectTooLarge, noreply: false), .retrieve(RetrievalRequest(command: .get, keys: keys("a")))])
        // Until the whole block has arrived, nothing is answered.
        XCTAssertEqual(try decodeAll("set a 0 0 11\r\nyyyy", limits: limits), [])
        XCTAssertEqual(try decodeOne("set a 0 0 10\r\n0123456789\r\n"), storage(.set, "a", value: "0123456789"))
    }

    func testLineTooLongThrows() throws {
        let limits = ProtocolLimits()
        XCTAssertThrowsError(try decodeAll(String(repeating: "x", count: 2100), limits: limits)) { error in
            XCTAssertEqual(error as? MemcachedDecoderError, .lineTooLong(limit: 2048))
        }
        XCTAssertThrowsError(try decodeAll("set " + String(repeating: "x ", count: 1100) + "\r\n"))
        // 2048 bytes without newline may still become a valid line.
        XCTAssertEqual(try decodeAll(String(repeating: "x", count: 2049)), [])
        // Retrieval lines get the larger bound.
        let longGet = "get " + String(repeating: "k ", count: 3000) + "\r\n"
        XCTAssertEqual(try decodeAll(longGet).count, 1)
        XCTAssertThrowsError(try decodeAll("get " + String(repeating: "k ", count: 40_000)))
    }

    func testLineFeedOnlyLinesAreAccepted() throws {
        XCTAssertEqual(try decodeOne("version\n"), .version)
        XCTAssertEqual(try decodeOne("set a 0 0 1\nx\r\n"), storage(.set, "a", value: "x"))
    }

    /// While a request is incomplete the decoder must not consume its bytes (else they would be lost).
    func testNeverConsumesBytesWhenReturningNil() throws {
        let inputs = [
            "get a b c\r\n", "set k 1 2 3\r\nabc\r\n", "ms k 2 T10 F3\r\nhi\r\n", "mg k v t\r\n", "delete k\r\n",
        ]
        for input in inputs {
            var decoder = MemcachedRequestDecoder()
            var buffer = ByteBuffer()
            var decoded = 0
            for byte in input.utf8 {
                buffer.writeInteger(byte)
                let before = buffer.readerIndex
                if try decoder.decode(buffer: &buffer) != nil {
                    decoded += 1
                } else {
                    // Lines are consumed only once complete; a data block only once complete.
                    XCTAssertTrue(buffer.readerIndex == before || buffer.readableBytes == 0, input)
                }
            }
            XCTAssertEqual(decoded, 1, input)
            XCTAssertEqual(buffer.readableBytes, 0, input)
        }
    }
}
