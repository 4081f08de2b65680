import NIOCore

/// `PeerFrame` → bytes. Frames are built by the message types, which keep within the limits the
/// receiver enforces; see `PeerMessage`.
public struct PeerFrameEncoder: MessageToByteEncoder {
    public typealias OutboundIn = PeerFrame

    public init() {}

    public func encode(data: PeerFrame, out: inout ByteBuffer) throws {
        data.write(into: &out)
    }
}
