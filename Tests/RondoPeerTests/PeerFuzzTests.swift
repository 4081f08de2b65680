import RondoCore
import NIOCore
import XCTest

@testable import RondoPeer

/// Random and mutated bytes through the decoder, every message decoder and both handshake state
/// machines: anything may be rejected, nothing may trap. Seeded so a failure replays.
final class PeerFuzzTests: XCTestCase {
    private static let seed: UInt64 = 0x5EED_0F_9EE2
    private static let iterations = 3000

    /// SplitMix64: tiny, seedable, good enough to pick bytes.
    private struct Generator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        mutating func below(_ bound: Int) -> Int { Int(next() % UInt64(bound)) }
        mutating func byte() -> UInt8 { UInt8(truncatingIfNeeded: next()) }
    }

    private static let validFrames: [PeerFrame] = [
        PeerTestSupport.hello().frame(),
        HelloAccepted(
            protocolVersion: 1, connectionFeatures: [.replicationV1], acceptorNodeID: PeerTestSupport.nodeID("node-1"),
            acceptorSoftwareVersion: PeerTestSupport.version("0.1.0"),
            clusterActiveVersion: ActiveVersion(protocolVersion: 1, features: [.replicationV1]),
            clusterFinalizedVersion: PeerTestSupport.version("0.1.0")
        ).frame(),
        HelloRefused(.duplicateNodeID(PeerTestSupport.nodeID("n"))).frame(),
        Heartbeat(sequence: 3).frame(),
        ErrorFrame(code: .unsupportedMessage, text: "x", offendingMessageType: .init(rawValue: 99)).frame(),
        RoutingTableUpdate(epoch: 4, table: ByteBuffer(string: "table")).frame(),
        ForwardedReply(requestID: 1, reply: ByteBuffer(string: "END\r\n")).frame(),
        ReplicationBatch(vnode: 1, firstSequence: 1, itemCount: 1, items: ByteBuffer(string: "item item item"), compression: .lz4).frame(),
        ReplicationAck(vnode: 1, acknowledgedSequence: 2).frame(),
        TransferBatch(vnode: 2, cursor: ByteBuffer(string: "c"), itemCount: 1, items: ByteBuffer(string: "abcabcabc"), isLast: true).frame(),
    ]

    func testRandomAndMutatedBytesNeverTrap() {
        var generator = Generator(state: Self.seed)
        var decodedFrames = 0
        var rejections = 0
        for iteration in 0..<Self.iterations {
            var input = iteration % 2 == 0 ? randomBytes(&generator) : mutatedFrame(&generator)
            let outcome = exercise(&input)
            decodedFrames += outcome.frames
            rejections += outcome.rejected ? 1 : 0
        }
        // Both paths must be exercised, or the loop proves nothing.
        XCTAssertGreaterThan(decodedFrames, Self.iterations / 20, "seed \(Self.seed)")
        XCTAssertGreaterThan(rejections, Self.iterations / 10, "seed \(Self.seed)")
    }

    private func randomBytes(_ generator: inout Generator) -> ByteBuffer {
        var buffer = ByteBuffer()
        // A plausible length prefix half the time, so the payload parser is reached too.
        if generator.below(2) == 0 { buffer.writeInteger(UInt32(4 + generator.below(40))) }
        for _ in 0..<generator.below(64) { buffer.writeInteger(generator.byte()) }
        return buffer
    }

    private func mutatedFrame(_ generator: inout Generator) -> ByteBuffer {
        var bytes = Array(PeerTestSupport.bytes([Self.validFrames[generator.below(Self.validFrames.count)]]).readableBytesView)
        for _ in 0...generator.below(4) {
            switch generator.below(3) {
            case 0: bytes[generator.below(bytes.count)] = generator.byte()
            case 1: bytes.removeLast(generator.below(bytes.count))
            default: bytes.insert(generator.byte(), at: generator.below(bytes.count + 1))
            }
            if bytes.isEmpty { break }
        }
        return ByteBuffer(bytes: bytes)
    }

    private func exercise(_ input: inout ByteBuffer) -> (frames: Int, rejected: Bool) {
        var decoder = PeerFrameDecoder(limits: PeerProtocolLimits(frameBytesMax: 4096))
        var frames = 0
        do {
            while true {
                let before = input.readerIndex
                guard let frame = try decoder.decode(buffer: &input) else {
                    XCTAssertEqual(input.readerIndex, before, "nil after consuming bytes")
                    break
                }
                frames += 1
                exercise(frame)
            }
            _ = try decoder.decodeLast(buffer: &input, seenEOF: true)
            return (frames, false)
        } catch {
            XCTAssertTrue(error is PeerProtocolError, "\(error)")
            return (frames, true)
        }
    }

    private func exercise(_ frame: PeerFrame) {
        _ = try? Hello(decoding: frame)
        _ = try? HelloAccepted(decoding: frame)
        _ = try? HelloRefused(decoding: frame)
        _ = try? PeerInboundMessage.decode(frame, limits: .default)
        var acceptor = PeerHandshakeStateMachine(side: .accepting(PeerTestSupport.policy()))
        _ = acceptor.frameReceived(frame)
        _ = acceptor.frameReceived(frame)
        var connector = PeerHandshakeStateMachine(side: .connecting(PeerTestSupport.hello()))
        _ = connector.channelActive()
        _ = connector.frameReceived(frame)
        _ = connector.frameReceived(frame)
    }
}
