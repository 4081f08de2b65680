import NIOCore

/// One TLV field of a frame payload: u16 tag, u32 length, `length` bytes. `value` is a slice of the
/// received buffer (no copy). Tags are per message type; a receiver skips tags it does not know.
public struct PeerField: Sendable, Hashable {
    /// Tag and length on the wire.
    public static let headerBytes = 6

    public var tag: UInt16
    public var value: ByteBuffer

    public init(tag: UInt16, value: ByteBuffer) {
        self.tag = tag
        self.value = value
    }
}
