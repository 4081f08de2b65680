import NIOCore
import XCTest

@testable import RondoProtocol

final class MetaCommandDecodingTests: XCTestCase {
    func testMetaCommandsParse() throws {
        XCTAssertEqual(try decodeOne("mg k v t c\r\n"), .metaGet(try meta("k", "v t c")))
        XCTAssertEqual(try decodeOne("mg k\r\n"), .metaGet(try meta("k")))
        XCTAssertEqual(try decodeOne("ms k 2 T10 F7 MA\r\nhi\r\n"), .metaSet(try meta("k", "T10 F7 MA"), value: bytes("hi")))
        XCTAssertEqual(try decodeOne("ms k 0\r\n\r\n"), .metaSet(try meta("k"), value: bytes("")))
        XCTAssertEqual(try decodeOne("md k q I T30\r\n"), .metaDelete(try meta("k", "q I T30")))
        XCTAssertEqual(try decodeOne("ma k N0 J5 D2 MD v\r\n"), .metaArithmetic(try meta("k", "N0 J5 D2 MD v")))
        XCTAssertEqual(try decodeOne("mn\r\n"), .metaNoOp)
        XCTAssertEqual(try decodeOne("mn extra\r\n"), .metaNoOp)
        XCTAssertEqual(try decodeOne("me k\r\n"), .metaDebug(try meta("k")))
    }

    func testParsedFlagValues() throws {
        let flags = try MemcachedRequestDecoder.parseMetaFlags(bytes("C12 T-1 N30 R5 D7 J9 F4294967295 ME q Oabc"))
        XCTAssertEqual(flags.compareCAS, 12)
        XCTAssertEqual(flags.ttl, -1)
        XCTAssertEqual(flags.vivifyTTL, 30)
        XCTAssertEqual(flags.recacheTTL, 5)
        XCTAssertEqual(flags.delta, 7)
        XCTAssertEqual(flags.initial, 9)
        XCTAssertEqual(flags.clientFlags, .max)
        XCTAssertEqual(flags.mode, UInt8(ascii: "E"))
        XCTAssertTrue(flags.contains("q"))
        XCTAssertTrue(flags.contains("O"))
        XCTAssertFalse(flags.contains("v"))
    }

    func testBase64Keys() throws {
        XCTAssertEqual(try decodeOne("mg YQ== b v\r\n"), .metaGet(try meta("YQ==", "b v", decodedKey: bytes("a"))))
        XCTAssertEqual(try decodeOne("mg Zm9vYmFy b\r\n"), .metaGet(try meta("Zm9vYmFy", "b", decodedKey: bytes("foobar"))))
        XCTAssertEqual(try decodeOne("mg YQ b v\r\n"), .error(.errorDecodingKey, noreply: false))
        XCTAssertEqual(try decodeOne("mg !!!! b v\r\n"), .error(.errorDecodingKey, noreply: false))
        XCTAssertEqual(try decodeOne("md !!!! b\r\n"), .error(.invalidOrDuplicateFlag, noreply: false))
        XCTAssertEqual(try decodeOne("me a b\r\n"), .error(.badCommandLineFormat, noreply: false))
    }

    func testFlagErrorsAsMemcachedReportsThem() throws {
        XCTAssertEqual(try decodeOne("mg a !\r\n"), .error(.invalidFlag, noreply: false))
        XCTAssertEqual(try decodeOne("mg a E5\r\n"), .error(.invalidFlag, noreply: false))
        XCTAssertEqual(try decodeOne("mg a v v\r\n"), .error(.duplicateFlag, noreply: false))
        XCTAssertEqual(try decodeOne("mg a T\r\n"), .error(.badToken, noreply: false))
        XCTAssertEqual(try decodeOne("mg a C\r\n"), .error(.badToken, noreply: false))
        XCTAssertEqual(try decodeOne("mg a D\r\n"), .error(.invalidMetaDelta, noreply: false))
        XCTAssertEqual(try decodeOne("mg a J\r\n"), .error(.invalidMetaInitial, noreply: false))
        XCTAssertEqual(try decodeOne("mg a F\r\n"), .error(.badCommandLineFormat, noreply: false))
        XCTAssertEqual(try decodeOne("mg a M\r\n"), .error(.badModeLength, noreply: false))
        XCTAssertEqual(try decodeOne("mg a O" + String(repeating: "x", count: 32) + "\r\n"), .error(.opaqueTooLong, noreply: false))
        XCTAssertEqual(try decodeOne("mg a O" + String(repeating: "x", count: 31) + "\r\n"), .metaGet(try meta("a", "O" + String(repeating: "x", count: 31))))
        XCTAssertEqual(try decodeOne("md a x\r\n"), .error(.invalidOrDuplicateFlag, noreply: false))
        XCTAssertEqual(try decodeOne("ma a Dabc\r\n"), .error(.invalidOrDuplicateFlag, noreply: false))
        XCTAssertEqual(try decodeOne("ma a Mx\r\n"), .error(.invalidArithmeticMode, noreply: false))
        XCTAssertEqual(try decodeOne("mg\r\n"), .error(.unknownCommand, noreply: false))
        XCTAssertEqual(try decodeOne("md\r\n"), .error(.unknownCommand, noreply: false))
        XCTAssertEqual(try decodeOne("me\r\n"), .error(.badCommandLineFormat, noreply: false))
        XCTAssertEqual(try decodeOne("mg " + String(repeating: "k", count: 251) + " v\r\n"), .error(.badCommandLineFormat, noreply: false))
    }

    func testMetaSetErrorsSwallowTheDataBlock() throws {
        let mn = MemcachedRequest.metaNoOp
        XCTAssertEqual(try decodeAll("ms a 1 S1\r\nx\r\nmn\r\n"), [.error(.invalidFlag, noreply: false), mn])
        XCTAssertEqual(try decodeAll("ms a 1 b\r\nx\r\nmn\r\n"), [.error(.errorDecodingKey, noreply: false), mn])
        XCTAssertEqual(try decodeAll("ms k 2 MZ\r\nhi\r\nmn\r\n"), [.error(.invalidSetMode, noreply: false), mn])
        XCTAssertEqual(try decodeAll("ms k 2 Ms\r\nhi\r\nmn\r\n"), [.error(.invalidSetMode, noreply: false), mn])
        XCTAssertEqual(
            try decodeAll("ms k 11 T0\r\n" + String(repeating: "y", count: 11) + "\r\nmn\r\n", limits: ProtocolLimits(maxItemBytes: 10)),
            [.error(.objectTooLarge, noreply: false), mn])
        // Before the length is known nothing is swallowed.
        XCTAssertEqual(try decodeAll("ms k\r\nmn\r\n"), [.error(.badCommandLineFormat, noreply: false), mn])
        XCTAssertEqual(try decodeAll("ms k abc\r\nhi\r\n"), [.error(.badCommandLineFormat, noreply: false), .error(.unknownCommand, noreply: false)])
        XCTAssertEqual(try decodeAll("ms a -1\r\nmn\r\n"), [.error(.badCommandLineFormat, noreply: false), mn])
        XCTAssertEqual(try decodeAll("ms a 1\r\nxyz\r\nmn\r\n"), [.error(.badDataChunk, noreply: false), .error(.unknownCommand, noreply: false), mn])
    }
}
