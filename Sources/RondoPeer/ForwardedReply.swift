import NIOCore

/// The owner's memcached reply to a `ForwardedRequest`, as the raw text-protocol bytes to relay to
/// the client unchanged.
public struct ForwardedReply: PeerMessage {
    public static let messageType = PeerMessageType.forwardedReply
    public static let frameFlags: PeerFrameFlags = .mustUnderstand

    public enum Tag {
        public static let requestID: UInt16 = 1
        public static let reply: UInt16 = 2
    }

    public var requestID: UInt64
    public var reply: ByteBuffer

    public init(requestID: UInt64, reply: ByteBuffer) {
        self.requestID = requestID
        self.reply = reply
    }

    public func writeFields(into writer: inout PeerFieldWriter) {
        writer.integer(Tag.requestID, requestID)
        writer.bytes(Tag.reply, reply)
    }

    public init(decoding frame: PeerFrame, limits: PeerProtocolLimits) throws(PeerProtocolError) {
        let reader = try PeerFieldReader(frame, expecting: Self.messageType)
        requestID = try reader.integer(Tag.requestID)
        reply = try reader.bytes(Tag.reply)
    }
}
