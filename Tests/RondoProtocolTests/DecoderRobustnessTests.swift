import RondoCore
import NIOCore
import XCTest

@testable import RondoProtocol

/// Random wire input must only ever produce requests, `.error` values or a thrown decoder error:
/// never a crash, and the same requests however the bytes are split.
final class DecoderRobustnessTests: XCTestCase {
    private static let fragments: [String] = [
        "get", "gets", "gat", "set", "add", "cas", "append", "incr", "delete", "touch", "flush_all", "stats",
        "verbosity", "version", "quit", "mg", "ms", "md", "ma", "mn", "me", "GET", "noreply", " ", "  ", "\r\n",
        "\n", "\r", "\t", "0", "1", "5", "-1", "99999999999999999999", "abc", "k", "YQ==", "b", "v", "q", "k",
        "O123", "T10", "N5", "C1", "D2", "J3", "F4", "MA", "MX", "M", "I", "!", "\u{0}", "\u{7f}",
    ]

    func testRandomInputNeverCrashesAndIsSplitIndependent() throws {
        var generator = SplitMix64(seed: 0x5EED)
        let limits = ProtocolLimits(maxLineBytes: 64, maxRetrievalLineBytes: 128, maxItemBytes: 32)
        for _ in 0..<3000 {
            var input = ""
            for _ in 0..<Int.random(in: 1...24, using: &generator) {
                input += Self.fragments.randomElement(using: &generator)!
                if Bool.random(using: &generator) { input += " " }
            }
            let whole = Self.outcome(of: [ByteBuffer(string: input)], limits: limits)
            var pieces: [ByteBuffer] = []
            var rest = ByteBuffer(string: input)
            while rest.readableBytes > 0 {
                pieces.append(rest.readSlice(length: Int.random(in: 1...max(1, rest.readableBytes), using: &generator))!)
            }
            XCTAssertEqual(Self.outcome(of: pieces, limits: limits), whole, "input: \(input.debugDescription)")
        }
    }

    private struct Outcome: Equatable {
        var requests: [MemcachedRequest] = []
        var failed = false
    }

    private static func outcome(of pieces: [ByteBuffer], limits: ProtocolLimits) -> Outcome {
        var decoder = MemcachedRequestDecoder(limits: limits)
        var buffer = ByteBuffer()
        var outcome = Outcome()
        do {
            for piece in pieces {
                var piece = piece
                buffer.writeBuffer(&piece)
                while let request = try decoder.decode(buffer: &buffer) { outcome.requests.append(request) }
            }
        } catch {
            outcome.failed = true
        }
        return outcome
    }
}

