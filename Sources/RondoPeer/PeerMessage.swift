import NIOCore

/// A typed message of the peer protocol: one message type, a fixed set of field tags, and the
/// rule that a decoder ignores tags it does not know (so a later release may add fields).
public protocol PeerMessage: Sendable, Hashable {
    static var messageType: PeerMessageType { get }
    /// The flags every frame of this type carries. Set `mustUnderstand` on messages the sender
    /// expects an answer to or whose loss would be silent corruption.
    static var frameFlags: PeerFrameFlags { get }

    func writeFields(into writer: inout PeerFieldWriter)

    /// Checks meanings (required fields, widths, value ranges) of a structurally valid frame.
    init(decoding frame: PeerFrame, limits: PeerProtocolLimits) throws(PeerProtocolError)
}

extension PeerMessage {
    public static var frameFlags: PeerFrameFlags { [] }

    public func frame() -> PeerFrame {
        var writer = PeerFieldWriter()
        writeFields(into: &writer)
        return PeerFrame(messageType: Self.messageType, flags: Self.frameFlags, fields: writer.fields)
    }

    /// Appends this message's whole frame: the same bytes as `frame().write(into:)`, written
    /// straight into `buffer` without a `PeerFrame` or a buffer per field. Returns the frame's
    /// size in bytes.
    @discardableResult
    public func encode(into buffer: inout ByteBuffer) -> Int {
        let start = buffer.writerIndex
        buffer.writeInteger(UInt32(0))  // the length, set below
        buffer.writeInteger(Self.messageType.rawValue)
        buffer.writeInteger(Self.frameFlags.rawValue)
        // The writer holds the only reference to the storage while it writes, so appending does
        // not copy it.
        var writer = PeerFieldWriter(appendingTo: buffer)
        buffer = ByteBuffer()
        writeFields(into: &writer)
        buffer = writer.finish()
        let frameBytes = buffer.writerIndex - start
        buffer.setInteger(UInt32(frameBytes - 4), at: start)
        return frameBytes
    }

    public init(decoding frame: PeerFrame) throws(PeerProtocolError) {
        try self.init(decoding: frame, limits: .default)
    }
}
