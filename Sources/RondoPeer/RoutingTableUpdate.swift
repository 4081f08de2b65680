import NIOCore

/// A routing table from the coordinator. The table's encoding belongs to the ring module; this
/// envelope carries its epoch so a receiver can drop stale tables without decoding them.
public struct RoutingTableUpdate: PeerMessage {
    public static let messageType = PeerMessageType.routingTableUpdate
    public static let frameFlags: PeerFrameFlags = .mustUnderstand

    public enum Tag {
        public static let epoch: UInt16 = 1
        public static let table: UInt16 = 2
    }

    public var epoch: UInt64
    public var table: ByteBuffer

    public init(epoch: UInt64, table: ByteBuffer) {
        self.epoch = epoch
        self.table = table
    }

    public func writeFields(into writer: inout PeerFieldWriter) {
        writer.integer(Tag.epoch, epoch)
        writer.bytes(Tag.table, table)
    }

    public init(decoding frame: PeerFrame, limits: PeerProtocolLimits) throws(PeerProtocolError) {
        let reader = try PeerFieldReader(frame, expecting: Self.messageType)
        epoch = try reader.integer(Tag.epoch)
        table = try reader.bytes(Tag.table)
    }
}
