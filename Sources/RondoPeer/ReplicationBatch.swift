import NIOCore

/// Writes a vnode's primary sends to a replica, in sequence order: item `i` of the body has
/// sequence number `firstSequence + i`. Answered by `ReplicationAck`.
public struct ReplicationBatch: PeerMessage {
    public static let messageType = PeerMessageType.replicationBatch
    public static let frameFlags: PeerFrameFlags = .mustUnderstand

    public enum Tag {
        public static let vnode: UInt16 = 1
        public static let firstSequence: UInt16 = 2
        public static let itemCount: UInt16 = 3
        public static let items: UInt16 = 4
        public static let itemsLZ4: UInt16 = 5
    }

    public var vnode: UInt32
    public var firstSequence: UInt64
    public var itemCount: UInt32
    /// Uncompressed item bytes, whatever `compression` was on the wire.
    public var items: ByteBuffer
    public var compression: ItemsCompression

    public init(vnode: UInt32, firstSequence: UInt64, itemCount: UInt32, items: ByteBuffer, compression: ItemsCompression = .none) {
        BatchItemsField.checkCompressible(items)
        self.vnode = vnode
        self.firstSequence = firstSequence
        self.itemCount = itemCount
        self.items = items
        self.compression = compression
    }

    /// The last sequence number in the batch, or nil for an empty one.
    public var lastSequence: UInt64? {
        itemCount == 0 ? nil : firstSequence + (UInt64(itemCount) - 1)
    }

    public func writeFields(into writer: inout PeerFieldWriter) {
        writer.integer(Tag.vnode, vnode)
        writer.integer(Tag.firstSequence, firstSequence)
        writer.integer(Tag.itemCount, itemCount)
        BatchItemsField.write(items, compression: compression, itemsTag: Tag.items, itemsLZ4Tag: Tag.itemsLZ4, into: &writer)
    }

    public init(decoding frame: PeerFrame, limits: PeerProtocolLimits) throws(PeerProtocolError) {
        let reader = try PeerFieldReader(frame, expecting: Self.messageType)
        vnode = try reader.integer(Tag.vnode)
        firstSequence = try reader.integer(Tag.firstSequence)
        itemCount = try reader.integer(Tag.itemCount)
        guard itemCount == 0 || firstSequence <= UInt64.max - UInt64(itemCount - 1) else {
            throw .invalidFieldValue(messageType: Self.messageType, tag: Tag.itemCount, reason: "sequence numbers overflow u64")
        }
        (items, compression) = try BatchItemsField.read(reader, itemsTag: Tag.items, itemsLZ4Tag: Tag.itemsLZ4, limits: limits)
    }
}
