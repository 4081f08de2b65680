/// A frame we were asked to send is over the frame limit, so the peer would close the connection
/// on it. Thrown by `PeerFrameEncoder` and failing that write's promise: a bug or an oversized
/// batch on our side, not a protocol error of the peer's, so the connection stays up.
public struct PeerFrameTooLargeToSend: Error, Hashable, Sendable, CustomStringConvertible {
    public var messageType: PeerMessageType
    public var frameBytes: Int
    public var limitBytes: Int

    public init(messageType: PeerMessageType, frameBytes: Int, limitBytes: Int) {
        self.messageType = messageType
        self.frameBytes = frameBytes
        self.limitBytes = limitBytes
    }

    public var description: String {
        "refusing to send \(messageType): \(frameBytes) bytes exceed the frame limit of \(limitBytes) bytes"
    }
}
