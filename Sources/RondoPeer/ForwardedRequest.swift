import NIOCore

/// A memcached request a node forwards to the vnode's owner, as the raw text-protocol bytes the
/// client sent (one complete command, data block included). Answered by a `ForwardedReply` with
/// the same request id.
public struct ForwardedRequest: PeerMessage {
    public static let messageType = PeerMessageType.forwardedRequest
    public static let frameFlags: PeerFrameFlags = .mustUnderstand

    public enum Tag {
        public static let requestID: UInt16 = 1
        public static let request: UInt16 = 2
    }

    /// Chosen by the forwarding side, unique among its requests in flight on this connection.
    public var requestID: UInt64
    public var request: ByteBuffer

    public init(requestID: UInt64, request: ByteBuffer) {
        self.requestID = requestID
        self.request = request
    }

    public func writeFields(into writer: inout PeerFieldWriter) {
        writer.integer(Tag.requestID, requestID)
        writer.bytes(Tag.request, request)
    }

    public init(decoding frame: PeerFrame, limits: PeerProtocolLimits) throws(PeerProtocolError) {
        let reader = try PeerFieldReader(frame, expecting: Self.messageType)
        requestID = try reader.integer(Tag.requestID)
        request = try reader.bytes(Tag.request)
    }
}
