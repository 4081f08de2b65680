import NIOCore
import NIOTestUtils
import Testing

@testable import RondoBench

@Suite struct MemcachedResponseDecoderTests {
    private func verify(_ pairs: [(String, [MemcachedResponse])]) throws {
        try ByteToMessageDecoderVerifier.verifyDecoder(stringInputOutputPairs: pairs) {
            MemcachedResponseDecoder()
        }
    }

    private func value(_ key: String, flags: UInt32 = 0, _ data: String) -> MemcachedResponse {
        .value(key: ByteBuffer(string: key), flags: flags, data: ByteBuffer(string: data))
    }

    @Test func decodesEveryReplyTheBenchUnderstands() throws {
        try verify([
            ("END\r\n", [.end]),
            ("STORED\r\n", [.stored]),
            ("NOT_STORED\r\n", [.notStored]),
            ("EXISTS\r\n", [.exists]),
            ("NOT_FOUND\r\n", [.notFound]),
            ("DELETED\r\n", [.deleted]),
            ("ERROR\r\n", [.error]),
            ("CLIENT_ERROR bad data chunk\r\n", [.clientError("bad data chunk")]),
            ("SERVER_ERROR out of memory storing object\r\n", [.serverError("out of memory storing object")]),
            ("SERVER_ERROR\r\n", [.serverError("")]),
        ])
    }

    @Test func decodesAHitWithItsDataBlock() throws {
        try verify([
            ("VALUE key:1 0 5\r\nhello\r\nEND\r\n", [value("key:1", "hello"), .end]),
            ("VALUE k 42 0\r\n\r\nEND\r\n", [value("k", flags: 42, ""), .end]),
            // The data block is binary: CR LF inside it does not end it.
            ("VALUE k 0 4\r\na\r\nb\r\nEND\r\n", [value("k", "a\r\nb"), .end]),
            // gets adds a cas unique.
            ("VALUE k 1 2 99\r\nhi\r\nEND\r\n", [value("k", flags: 1, "hi"), .end]),
        ])
    }

    @Test func decodesPipelinedRepliesInOrder() throws {
        try verify([
            (
                "STORED\r\nVALUE a 0 1\r\nx\r\nEND\r\nEND\r\nSERVER_ERROR object too large for cache\r\n",
                [.stored, value("a", "x"), .end, .end, .serverError("object too large for cache")]
            )
        ])
    }

    @Test(arguments: [
        ("HELLO\r\n", MemcachedResponseDecoderError.Code.unknownResponse),
        ("END\n", .missingCarriageReturn),
        ("VALUE k x 1\r\na\r\n", .malformedValueHeader),
        ("VALUE k 0\r\n", .malformedValueHeader),
        ("VALUE k 0 1\r\nab\r\n", .badDataTerminator),
        ("VALUE k 0 99999999\r\n", .valueTooLarge),
        (String(repeating: "S", count: 2_049), .lineTooLong),
    ])
    func rejectsBytesItCannotFrame(input: String, code: MemcachedResponseDecoderError.Code) throws {
        var decoder = MemcachedResponseDecoder(valueBytesMax: 1_024)
        var buffer = ByteBuffer(string: input)
        let error = #expect(throws: MemcachedResponseDecoderError.self) {
            _ = try decoder.decode(buffer: &buffer)
        }
        #expect(error?.code == code)
        #expect((error?.offendingBytes.count ?? .max) <= MemcachedResponseDecoderError.offendingBytesMax)
    }

    @Test func waitsForTheWholeDataBlockWithoutConsuming() throws {
        var decoder = MemcachedResponseDecoder()
        var buffer = ByteBuffer(string: "VALUE k 0 5\r\nhel")
        #expect(try decoder.decode(buffer: &buffer) == nil)
        #expect(buffer.readerIndex == 0)
        buffer.writeString("lo\r\n")
        #expect(try decoder.decode(buffer: &buffer) == value("k", "hello"))
        #expect(buffer.readableBytes == 0)
    }
}
