import NIOCore

/// One frame of the peer protocol, with its payload already split into TLV fields:
///
///     u32 length   bytes after this field (type + flags + payload), at least 4
///     u16 type     `PeerMessageType`
///     u16 flags    `PeerFrameFlags`
///     payload      TLV fields: u16 tag, u32 length, bytes; all integers big-endian
///
/// The decoder checks the TLV structure of every frame, known type or not, so a frame that leaves
/// the decoder is structurally sound and a message decoder only checks meanings.
public struct PeerFrame: Sendable, Hashable {
    /// Length, type and flags.
    public static let headerBytes = 8

    public var messageType: PeerMessageType
    public var flags: PeerFrameFlags
    public var fields: [PeerField]

    public init(messageType: PeerMessageType, flags: PeerFrameFlags = [], fields: [PeerField] = []) {
        self.messageType = messageType
        self.flags = flags
        self.fields = fields
    }

    /// Header plus payload, as `write(into:)` will write it.
    public var encodedBytes: Int {
        fields.reduce(Self.headerBytes) { $0 + PeerField.headerBytes + $1.value.readableBytes }
    }

    /// Appends the frame's wire form.
    public func write(into buffer: inout ByteBuffer) {
        buffer.writeInteger(UInt32(encodedBytes - 4))
        buffer.writeInteger(messageType.rawValue)
        buffer.writeInteger(flags.rawValue)
        for field in fields {
            buffer.writeInteger(field.tag)
            buffer.writeInteger(UInt32(field.value.readableBytes))
            var value = field.value
            buffer.writeBuffer(&value)
        }
    }
}
