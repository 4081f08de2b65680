import NIOCore
import NIOTestUtils
import XCTest

@testable import RondoPeer

final class PeerFrameDecoderTests: XCTestCase {
    private func field(_ tag: UInt16, _ text: String) -> PeerField {
        PeerField(tag: tag, value: ByteBuffer(string: text))
    }

    func testVerifierWithManyFramesSplitAnywhere() throws {
        let frames = [
            Heartbeat(sequence: 1).frame(),
            PeerFrame(messageType: .init(rawValue: 0x7777)),
            PeerFrame(messageType: .init(rawValue: 0x7778), flags: .mustUnderstand, fields: [field(1, ""), field(9, "x")]),
            PeerTestSupport.hello().frame(),
            ForwardedRequest(requestID: 7, request: ByteBuffer(string: "get a\r\n")).frame(),
            ReplicationBatch(vnode: 3, firstSequence: 10, itemCount: 2, items: ByteBuffer(string: "ab"), compression: .lz4).frame(),
        ]
        let pairs = [
            (PeerTestSupport.bytes(frames), frames),
            (PeerTestSupport.bytes([frames[0]]), [frames[0]]),
            (PeerTestSupport.bytes(Array(frames.reversed())), Array(frames.reversed())),
        ]
        try ByteToMessageDecoderVerifier.verifyDecoder(inputOutputPairs: pairs) { PeerFrameDecoder() }
    }

    func testOversizedFrameIsRejectedFromItsLengthPrefixAlone() {
        var decoder = PeerFrameDecoder(limits: PeerProtocolLimits(frameBytesMax: 64))
        var buffer = ByteBuffer()
        buffer.writeInteger(UInt32(61))  // 4 + 61 = 65 bytes, one over the limit; no body follows
        let error = PeerTestSupport.protocolError { _ = try decoder.decode(buffer: &buffer) }
        XCTAssertEqual(error, .frameTooLarge(frameBytes: 65, limitBytes: 64))
    }

    func testFrameAtTheLimitIsAccepted() throws {
        let frame = PeerFrame(messageType: .heartbeat, fields: [field(1, String(repeating: "x", count: 50))])
        XCTAssertEqual(frame.encodedBytes, 64)
        var decoder = PeerFrameDecoder(limits: PeerProtocolLimits(frameBytesMax: 64))
        var buffer = PeerTestSupport.bytes([frame])
        XCTAssertEqual(try decoder.decode(buffer: &buffer), frame)
    }

    func testLengthSmallerThanTypeAndFlagsIsRejected() {
        var decoder = PeerFrameDecoder()
        var buffer = ByteBuffer(bytes: [0, 0, 0, 3, 0, 4, 0])
        XCTAssertEqual(PeerTestSupport.protocolError { _ = try decoder.decode(buffer: &buffer) }, .frameLengthTooSmall(declaredBytes: 3))
    }

    func testTruncatedFrameAtEndOfStreamIsRejected() throws {
        var decoder = PeerFrameDecoder()
        var bytes = PeerTestSupport.bytes([Heartbeat(sequence: 9).frame()])
        var truncated = bytes.readSlice(length: bytes.readableBytes - 3)!
        XCTAssertNil(try decoder.decode(buffer: &truncated), "waits for more bytes")
        let error = PeerTestSupport.protocolError { _ = try decoder.decodeLast(buffer: &truncated, seenEOF: true) }
        XCTAssertEqual(error, .truncatedFrame(bufferedBytes: 8 + 6 + 8 - 3))
    }

    func testFieldLengthPastTheFrameIsRejected() {
        var buffer = ByteBuffer()
        buffer.writeInteger(UInt32(4 + 6 + 2))
        buffer.writeInteger(PeerMessageType.heartbeat.rawValue)
        buffer.writeInteger(UInt16(0))
        buffer.writeInteger(UInt16(1))
        buffer.writeInteger(UInt32(8))  // says 8, but the frame holds 2 more bytes
        buffer.writeBytes([1, 2])
        var decoder = PeerFrameDecoder()
        let error = PeerTestSupport.protocolError { _ = try decoder.decode(buffer: &buffer) }
        XCTAssertEqual(error, .fieldOverrunsFrame(messageType: .heartbeat, tag: 1, declaredBytes: 8, remainingBytes: 2))
    }

    func testPartialFieldHeaderIsRejected() {
        var buffer = ByteBuffer()
        buffer.writeInteger(UInt32(4 + 3))
        buffer.writeInteger(PeerMessageType.heartbeat.rawValue)
        buffer.writeInteger(UInt16(0))
        buffer.writeBytes([0, 1, 0])
        var decoder = PeerFrameDecoder()
        let error = PeerTestSupport.protocolError { _ = try decoder.decode(buffer: &buffer) }
        XCTAssertEqual(error, .truncatedFieldHeader(messageType: .heartbeat, remainingBytes: 3))
    }

    func testTooManyFieldsIsRejected() throws {
        let limits = PeerProtocolLimits(fieldsPerFrameMax: 4)
        let atLimit = PeerFrame(messageType: .heartbeat, fields: (0..<4).map { field(UInt16($0), "") })
        let overLimit = PeerFrame(messageType: .heartbeat, fields: (0..<5).map { field(UInt16($0), "") })
        var decoder = PeerFrameDecoder(limits: limits)
        var good = PeerTestSupport.bytes([atLimit])
        XCTAssertEqual(try decoder.decode(buffer: &good), atLimit)
        var bad = PeerTestSupport.bytes([overLimit])
        XCTAssertEqual(PeerTestSupport.protocolError { _ = try decoder.decode(buffer: &bad) }, .tooManyFields(messageType: .heartbeat, limit: 4))
    }

    func testUnknownFlagBitsArePreserved() throws {
        let frame = PeerFrame(messageType: .heartbeat, flags: PeerFrameFlags(rawValue: 0x8001), fields: [])
        var decoder = PeerFrameDecoder()
        var buffer = PeerTestSupport.bytes([frame])
        XCTAssertEqual(try decoder.decode(buffer: &buffer)?.flags, PeerFrameFlags(rawValue: 0x8001))
    }

    func testEncoderRefusesFramesOverTheLimit() {
        let frame = PeerFrame(messageType: .heartbeat, fields: [field(1, String(repeating: "x", count: 51))])
        var out = ByteBuffer()
        XCTAssertThrowsError(try PeerFrameEncoder(limits: PeerProtocolLimits(frameBytesMax: 64)).encode(data: frame, out: &out)) {
            XCTAssertEqual($0 as? PeerFrameTooLargeToSend, PeerFrameTooLargeToSend(messageType: .heartbeat, frameBytes: 65, limitBytes: 64))
        }
        XCTAssertEqual(out.readableBytes, 0)
    }

    func testEncoderWritesWhatTheDecoderReads() throws {
        let frame = PeerTestSupport.hello().frame()
        var out = ByteBuffer()
        try PeerFrameEncoder().encode(data: frame, out: &out)
        XCTAssertEqual(out, PeerTestSupport.bytes([frame]))
        XCTAssertEqual(out.readableBytes, frame.encodedBytes)
    }
}
