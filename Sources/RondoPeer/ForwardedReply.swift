import NIOCore

/// The owner's memcached reply to a `ForwardedRequest`, as the raw text-protocol bytes to relay to
/// the client unchanged; or, when the receiver is not the owner of the request's keys by its
/// table, `notOwnerEpoch` (its table's epoch) and no reply: the sender retries after its own table
/// reaches that epoch (`ForwardRetry`).
public struct ForwardedReply: PeerMessage {
    public static let messageType = PeerMessageType.forwardedReply
    public static let frameFlags: PeerFrameFlags = .mustUnderstand

    public enum Tag {
        public static let requestID: UInt16 = 1
        public static let reply: UInt16 = 2
        /// Optional u64: the receiver does not own the keys at this epoch; `reply` is empty.
        public static let notOwnerEpoch: UInt16 = 3
    }

    public var requestID: UInt64
    public var reply: ByteBuffer
    public var notOwnerEpoch: UInt64?

    public init(requestID: UInt64, reply: ByteBuffer, notOwnerEpoch: UInt64? = nil) {
        self.requestID = requestID
        self.reply = reply
        self.notOwnerEpoch = notOwnerEpoch
    }

    public func writeFields(into writer: inout PeerFieldWriter) {
        writer.integer(Tag.requestID, requestID)
        writer.bytes(Tag.reply, reply)
        if let notOwnerEpoch { writer.integer(Tag.notOwnerEpoch, notOwnerEpoch) }
    }

    public init(decoding frame: PeerFrame, limits: PeerProtocolLimits) throws(PeerProtocolError) {
        let reader = try PeerFieldReader(frame, expecting: Self.messageType)
        requestID = try reader.integer(Tag.requestID)
        reply = try reader.bytes(Tag.reply)
        notOwnerEpoch = try reader.optionalInteger(Tag.notOwnerEpoch)
    }
}
