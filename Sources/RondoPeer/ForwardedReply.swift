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

extension ForwardedReply {
    /// Where the reply bytes start in a frame written by `encode(requestID:into:writingReply:)`:
    /// the frame header, the request id field (header and u64), the reply field's header.
    public static let inPlaceReplyOffset = PeerFrame.headerBytes + PeerField.headerBytes + 8 + PeerField.headerBytes

    /// Appends the frame of a reply to `requestID` whose reply bytes `writeReply` appends straight
    /// into `buffer`: the same bytes as `ForwardedReply(requestID:reply:).encode(into:)` with those
    /// reply bytes, without building the reply in a buffer of its own and copying it. The owner
    /// answers a forwarded read this way (the engine writes into the connection's send buffer).
    /// Returns the frame's size in bytes.
    @discardableResult
    public static func encode(requestID: UInt64, into buffer: inout ByteBuffer, writingReply writeReply: (inout ByteBuffer) -> Void) -> Int {
        let start = buffer.writerIndex
        buffer.writeInteger(UInt32(0))  // the frame length, set below
        buffer.writeInteger(messageType.rawValue)
        buffer.writeInteger(frameFlags.rawValue)
        buffer.writeInteger(Tag.requestID)
        buffer.writeInteger(UInt32(MemoryLayout<UInt64>.size))
        buffer.writeInteger(requestID)
        buffer.writeInteger(Tag.reply)
        let replyLengthIndex = buffer.writerIndex
        buffer.writeInteger(UInt32(0))  // the reply length, set below
        let replyStart = buffer.writerIndex
        writeReply(&buffer)
        buffer.setInteger(UInt32(buffer.writerIndex - replyStart), at: replyLengthIndex)
        let frameBytes = buffer.writerIndex - start
        buffer.setInteger(UInt32(frameBytes - 4), at: start)
        return frameBytes
    }
}
