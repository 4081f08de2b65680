import NIOCore

/// `PeerFrame` → bytes. Refuses frames over the frame limit (the receiver would close the
/// connection on them) by throwing `PeerFrameTooLargeToSend`, which fails the write's promise;
/// batch senders size batches below the limit.
public struct PeerFrameEncoder: MessageToByteEncoder {
    public typealias OutboundIn = PeerFrame

    public let limits: PeerProtocolLimits

    public init(limits: PeerProtocolLimits = .default) {
        self.limits = limits
    }

    public func encode(data: PeerFrame, out: inout ByteBuffer) throws {
        let frameBytes = data.encodedBytes
        guard frameBytes <= limits.frameBytesMax else {
            throw PeerFrameTooLargeToSend(messageType: data.messageType, frameBytes: frameBytes, limitBytes: limits.frameBytesMax)
        }
        data.write(into: &out)
    }
}
