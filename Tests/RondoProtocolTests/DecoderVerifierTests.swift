import NIOCore
import NIOTestUtils
import XCTest

@testable import RondoProtocol

/// Feeds every input one byte at a time, all at once and in random splits (NIOTestUtils).
final class DecoderVerifierTests: XCTestCase {
    func testVerifierOverManyRequests() throws {
        let limits = ProtocolLimits(maxItemBytes: 16)
        let pairs: [(ByteBuffer, [MemcachedRequest])] = [
            (bytes("get a\r\n"), [.retrieve(RetrievalRequest(command: .get, keys: keys("a")))]),
            (bytes("gets a b c\r\n"), [.retrieve(RetrievalRequest(command: .gets, keys: keys("a b c")))]),
            (bytes("gat 100 a\r\ngats 0 b\r\n"), [
                .retrieve(RetrievalRequest(command: .gat, exptime: 100, keys: keys("a"))),
                .retrieve(RetrievalRequest(command: .gats, exptime: 0, keys: keys("b"))),
            ]),
            (bytes("set k 1 2 5\r\nhello\r\n"), [storage(.set, "k", flags: 1, exptime: 2, value: "hello")]),
            (bytes("set k 0 0 2\r\n\r\n\r\n"), [storage(.set, "k", value: "\r\n")]),
            (bytes("cas k 0 0 1 7 noreply\r\nx\r\n"), [storage(.cas, "k", cas: 7, noreply: true, value: "x")]),
            (bytes("append k 0 0 1\r\nx\r\nprepend k 0 0 1\r\ny\r\n"), [storage(.append, "k", value: "x"), storage(.prepend, "k", value: "y")]),
            (bytes("set k 0 0 17\r\n" + String(repeating: "z", count: 17) + "\r\n"), [.error(.objectTooLarge, noreply: false)]),
            (bytes("set k 0 0 3\r\nabcde\r\n"), [.error(.badDataChunk, noreply: false), .error(.unknownCommand, noreply: false)]),
            (bytes("set k 0 0 -1\r\n"), [.error(.badCommandLineFormat, noreply: false)]),
            (bytes("delete k noreply\r\n"), [.delete(key: bytes("k"), noreply: true)]),
            (bytes("incr k 1\r\ndecr k 2\r\n"), [
                .arithmetic(ArithmeticRequest(key: bytes("k"), delta: 1, increment: true, noreply: false)),
                .arithmetic(ArithmeticRequest(key: bytes("k"), delta: 2, increment: false, noreply: false)),
            ]),
            (bytes("touch k 5 noreply\r\n"), [.touch(key: bytes("k"), exptime: 5, noreply: true)]),
            (bytes("flush_all 3\r\nversion\r\nverbosity 1\r\nstats\r\nstats items\r\n"), [
                .flushAll(delay: 3, noreply: false), .version, .verbosity(noreply: false), .stats(.general), .stats(.items),
            ]),
            (bytes("GET a\r\nfoo\r\n\r\n"), [
                .error(.unknownCommand, noreply: false), .error(.unknownCommand, noreply: false), .error(.unknownCommand, noreply: false),
            ]),
            (bytes("mg k v k Oab\r\nmn\r\n"), [.metaGet(try meta("k", "v k Oab")), .metaNoOp]),
            (bytes("ms k 3 T5 c\r\nabc\r\n"), [.metaSet(try meta("k", "T5 c"), value: bytes("abc"))]),
            (bytes("ms k 2 !\r\nab\r\n"), [.error(.invalidFlag, noreply: false)]),
            (bytes("ms k 20\r\n" + String(repeating: "q", count: 20) + "\r\n"), [.error(.objectTooLarge, noreply: false)]),
            (bytes("md k q\r\nma k MD v\r\nme k\r\n"), [
                .metaDelete(try meta("k", "q")), .metaArithmetic(try meta("k", "MD v")), .metaDebug(try meta("k")),
            ]),
            (bytes("mg YQ== b\r\n"), [.metaGet(try meta("YQ==", "b", decodedKey: bytes("a")))]),
            (bytes("version\nquit\r\n"), [.version, .quit]),
        ]
        try ByteToMessageDecoderVerifier.verifyDecoder(inputOutputPairs: pairs) {
            MemcachedRequestDecoder(limits: limits)
        }
    }
}
