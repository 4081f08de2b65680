import NIOCore

/// One batch of a vnode being copied to a new owner. `cursor` is the sender's opaque resume
/// position after this batch: a transfer interrupted after it restarts from there.
public struct TransferBatch: PeerMessage {
    public static let messageType = PeerMessageType.transferBatch
    public static let frameFlags: PeerFrameFlags = .mustUnderstand

    public enum Tag {
        public static let vnode: UInt16 = 1
        public static let cursor: UInt16 = 2
        public static let itemCount: UInt16 = 3
        public static let items: UInt16 = 4
        public static let itemsLZ4: UInt16 = 5
        public static let isLast: UInt16 = 6
    }

    public var vnode: UInt32
    /// At most `PeerProtocolLimits.cursorBytesMax` bytes.
    public var cursor: ByteBuffer
    public var itemCount: UInt32
    /// Uncompressed item bytes; sent as `compression` says.
    public var items: ByteBuffer
    /// How `items` travel: LZ4 by default (feature `transfer.lz4`); `none` for data LZ4 cannot
    /// shrink, or where CPU is scarcer than bandwidth. Receivers accept both.
    public var compression: ItemsCompression
    /// The vnode's last batch: the receiver holds all of it after applying this one.
    public var isLast: Bool

    public init(
        vnode: UInt32, cursor: ByteBuffer, itemCount: UInt32, items: ByteBuffer, isLast: Bool, compression: ItemsCompression = .lz4
    ) {
        precondition(cursor.readableBytes <= PeerProtocolLimits.cursorBytesMax, "transfer cursor over its limit")
        BatchItemsField.checkCompressible(items)
        self.vnode = vnode
        self.cursor = cursor
        self.itemCount = itemCount
        self.items = items
        self.isLast = isLast
        self.compression = compression
    }

    public func writeFields(into writer: inout PeerFieldWriter) {
        writer.integer(Tag.vnode, vnode)
        writer.bytes(Tag.cursor, cursor)
        writer.integer(Tag.itemCount, itemCount)
        BatchItemsField.write(items, compression: compression, itemsTag: Tag.items, itemsLZ4Tag: Tag.itemsLZ4, into: &writer)
        writer.bool(Tag.isLast, isLast)
    }

    /// Accepts an uncompressed body too: readers are liberal so a later release may choose per
    /// batch (for example for incompressible data).
    public init(decoding frame: PeerFrame, limits: PeerProtocolLimits) throws(PeerProtocolError) {
        let reader = try PeerFieldReader(frame, expecting: Self.messageType)
        vnode = try reader.integer(Tag.vnode)
        cursor = try reader.bytes(Tag.cursor)
        guard cursor.readableBytes <= PeerProtocolLimits.cursorBytesMax else {
            throw .invalidFieldValue(
                messageType: Self.messageType, tag: Tag.cursor,
                reason: "\(cursor.readableBytes) bytes exceed the limit of \(PeerProtocolLimits.cursorBytesMax)")
        }
        itemCount = try reader.integer(Tag.itemCount)
        (items, compression) = try BatchItemsField.read(reader, itemsTag: Tag.items, itemsLZ4Tag: Tag.itemsLZ4, limits: limits)
        isLast = try reader.bool(Tag.isLast)
    }
}
