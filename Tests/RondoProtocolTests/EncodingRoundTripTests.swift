import Foundation
import NIOCore
import XCTest

@testable import RondoProtocol

/// `MemcachedRequest.encode(into:)` is what a cluster node forwards to a key's primary: decoding
/// the encoding must give back the same request.
final class EncodingRoundTripTests: XCTestCase {
    private func encoded(_ request: MemcachedRequest) throws -> ByteBuffer {
        var out = ByteBuffer()
        try request.encode(into: &out)
        return out
    }

    private func assertRoundTrip(_ request: MemcachedRequest, file: StaticString = #filePath, line: UInt = #line) throws {
        let wire = try encoded(request)
        let decoded = try decodeAll(wire)
        XCTAssertEqual(decoded, [request], "wire: \(String(buffer: wire).debugDescription)", file: file, line: line)
    }

    /// The inputs of the decoder tests that decode to requests (errors have no wire form).
    private static let decoderTestInputs = [
        "get a\r\n", "gets a  b c\r\n", "gat 10 a b\r\n", "gats -1 a\r\n", "gat 10\r\n", "get version\n",
        "set k 5 10 3\r\nabc\r\n", "add k 0 0 0\r\n\r\n", "replace k 0 0 1 noreply\r\nx\r\n", "append k 0 0 1\r\nx\r\n",
        "prepend k 0 0 1\r\nx\r\n", "cas k 1 2 1 99\r\nx\r\n", "cas k 1 2 1 99 noreply\r\nx\r\n", "set k 0 0 1 foo\r\nx\r\n",
        "set k 4294967296 0 1\r\nx\r\n", "set k 0 0 4\r\n\r\n\r\n\r\n", "set k 0 -1 2\r\nab\r\n",
        "delete k\r\n", "delete k 0\r\n", "delete k noreply\r\n", "delete k 0 noreply\r\n",
        "incr k 5\r\n", "decr k 18446744073709551615 noreply\r\n", "touch k 10\r\n", "touch k -5 noreply\r\n",
        "flush_all\r\n", "flush_all 10\r\n", "flush_all noreply\r\n", "flush_all 5 noreply\r\n",
        "version\r\n", "verbosity 1\r\n", "verbosity 1 noreply\r\n", "cache_memlimit 64\r\n", "cache_memlimit 8 noreply\r\n",
        "stats\r\n", "stats settings\r\n", "stats items\r\n", "stats slabs\r\n", "stats sizes\r\n", "stats reset\r\n",
        "stats cachedump 1 10\r\n", "quit\r\n", "rondo_routing\r\n",
        "mg k v t c\r\n", "mg k\r\n", "ms k 2 T10 F7 MA\r\nhi\r\n", "ms k 0\r\n\r\n", "md k q I T30\r\n",
        "ma k N0 J5 D2 MD v\r\n", "mn\r\n", "me k\r\n", "mg YQ== b v\r\n", "mg Zm9vYmFy b\r\n", "ms YWJj 3 b T5 c\r\nabc\r\n",
        "mg a O" + String(repeating: "x", count: 31) + "\r\n", "mg k v k Oab\r\n", "me YQ== b\r\n", "md k q\r\nma k MD v\r\n",
    ]

    func testDecoderTestInputsRoundTrip() throws {
        var count = 0
        for input in Self.decoderTestInputs {
            for request in try decodeAll(input) {
                if case .error = request {
                    XCTFail("\(input.debugDescription) decodes to an error")
                    continue
                }
                try assertRoundTrip(request)
                count += 1
            }
        }
        XCTAssertEqual(count, Self.decoderTestInputs.count + 1)
    }

    func testCanonicalForms() throws {
        let cases: [(String, String)] = [
            ("gets a  b c\r\n", "gets a b c\r\n"),
            ("gat 10 a b\r\n", "gat 10 a b\r\n"),
            ("set k 4294967297 0 1 foo\r\nx\r\n", "set k 1 0 1\r\nx\r\n"),
            ("cas k 1 2 1 99 noreply\r\nx\r\n", "cas k 1 2 1 99 noreply\r\nx\r\n"),
            ("delete k 0 noreply\r\n", "delete k noreply\r\n"),
            ("flush_all\r\n", "flush_all 0\r\n"),
            ("ms YWJj 3 b  T5\r\nabc\r\n", "ms YWJj 3 b  T5\r\nabc\r\n"),
            ("mn extra\r\n", "mn\r\n"),
        ]
        for (input, expected) in cases {
            XCTAssertEqual(String(buffer: try encoded(try decodeOne(input))), expected, input.debugDescription)
        }
    }

    func testErrorsHaveNoWireForm() {
        var out = ByteBuffer()
        XCTAssertThrowsError(try MemcachedRequest.error(.unknownCommand, noreply: false).encode(into: &out)) { error in
            XCTAssertEqual(error as? MemcachedEncodingError, .notEncodable)
        }
        XCTAssertEqual(out.readableBytes, 0)
    }

    /// Seeded random requests of every keyed kind, with random keys (any byte but space, control
    /// characters excluded), values with CR/LF inside, and extreme numbers.
    func testRandomRequestsRoundTrip() throws {
        var random = SeededRandom(seed: 0x5EED_0001)
        for iteration in 0..<2_000 {
            let request = try Self.randomRequest(&random)
            do {
                try assertRoundTrip(request)
            } catch {
                XCTFail("iteration \(iteration) (seed 0x5EED0001): \(error)")
            }
        }
    }

    private static func randomKey(_ random: inout SeededRandom) -> String {
        let alphabet = Array("abcXYZ019_-:.{}é")
        let length = Int(random.next() % 40) + 1
        return String((0..<length).map { _ in alphabet[Int(random.next() % UInt64(alphabet.count))] })
    }

    private static func randomValue(_ random: inout SeededRandom) -> String {
        let alphabet = Array("ab \r\n\0END")
        let length = Int(random.next() % 64)
        return String((0..<length).map { _ in alphabet[Int(random.next() % UInt64(alphabet.count))] })
    }

    private static func randomRequest(_ random: inout SeededRandom) throws -> MemcachedRequest {
        let key = bytes(randomKey(&random))
        let noreply = random.next() % 2 == 0
        let number = [0, 1, UInt64.max, UInt64(Int64.max), random.next()][Int(random.next() % 5)]
        // -Int64.max, not .min: the decoder (like a strtoll range check) takes magnitudes up to .max.
        let signed = [Int64(0), -1, Int64.max, -Int64.max, Int64(truncatingIfNeeded: random.next() >> 1) * (random.next() % 2 == 0 ? 1 : -1)][Int(random.next() % 5)]
        switch random.next() % 9 {
        case 0:
            let commands: [RetrievalRequest.Command] = [.get, .gets, .gat, .gats]
            let command = commands[Int(random.next() % 4)]
            let keyLine = (0...Int(random.next() % 5)).map { _ in randomKey(&random) }.joined(separator: " ")
            let touches = command == .gat || command == .gats
            return .retrieve(RetrievalRequest(command: command, exptime: touches ? signed : 0, keys: keys(keyLine)))
        case 1:
            let commands: [StorageRequest.Command] = [.set, .add, .replace, .append, .prepend, .cas]
            let command = commands[Int(random.next() % 6)]
            return .store(StorageRequest(
                command: command, key: key, flags: UInt32(truncatingIfNeeded: number), exptime: signed,
                casUnique: command == .cas ? number : 0, noreply: noreply, value: bytes(randomValue(&random))))
        case 2:
            return .delete(key: key, noreply: noreply)
        case 3:
            return .arithmetic(ArithmeticRequest(key: key, delta: number, increment: noreply, noreply: random.next() % 2 == 0))
        case 4:
            return .touch(key: key, exptime: signed, noreply: noreply)
        case 5:
            let flagSets = ["", "v", "v t c k", "T30 N10 q", "Oopaque123 k s f", "b v"]
            let flagTokens = flagSets[Int(random.next() % UInt64(flagSets.count))]
            return .metaGet(try metaRequest(key: key, flagTokens: flagTokens))
        case 6:
            let flagSets = ["", "T0 F5", "MA I", "C12 q", "b MS"]
            let flagTokens = flagSets[Int(random.next() % UInt64(flagSets.count))]
            return .metaSet(try metaRequest(key: key, flagTokens: flagTokens), value: bytes(randomValue(&random)))
        case 7:
            let flagSets = ["", "q I T30", "C5", "b"]
            return .metaDelete(try metaRequest(key: key, flagTokens: flagSets[Int(random.next() % UInt64(flagSets.count))]))
        default:
            let flagSets = ["", "N0 J5 D2 MD v", "MI t", "b D18446744073709551615"]
            return .metaArithmetic(try metaRequest(key: key, flagTokens: flagSets[Int(random.next() % UInt64(flagSets.count))]))
        }
    }

    /// With `b`, the wire key is the base64 form of `key`.
    private static func metaRequest(key: ByteBuffer, flagTokens: String) throws -> MetaRequest {
        let flags = try MemcachedRequestDecoder.parseMetaFlags(bytes(flagTokens))
        guard flags.contains("b") else {
            return MetaRequest(key: key, wireKey: key, flags: flags, flagTokens: bytes(flagTokens))
        }
        let wire = Data(key.readableBytesView).base64EncodedString()
        return MetaRequest(key: key, wireKey: bytes(wire), flags: flags, flagTokens: bytes(flagTokens))
    }
}

/// xorshift64*: a deterministic sequence for reproducible random tests.
struct SeededRandom {
    private var state: UInt64

    init(seed: UInt64) { state = seed == 0 ? 0x9E37_79B9_7F4A_7C15 : seed }

    mutating func next() -> UInt64 {
        state ^= state >> 12
        state ^= state << 25
        state ^= state >> 27
        return state &* 0x2545_F491_4F6C_DD1D
    }
}
