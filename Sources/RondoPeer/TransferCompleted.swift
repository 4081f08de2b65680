/// The target of a transfer holds a complete copy of `vnode`, current through replication
/// `sequence`, after receiving `bytes` bytes. Sent to the coordinator; must-understand.
public struct TransferCompleted: PeerMessage {
    public static let messageType = PeerMessageType.transferCompleted
    public static let frameFlags: PeerFrameFlags = .mustUnderstand

    public enum Tag {
        public static let vnode: UInt16 = 1
        public static let sequence: UInt16 = 2
        public static let bytes: UInt16 = 3
    }

    public var vnode: Int
    public var sequence: UInt64
    public var bytes: UInt64

    public init(vnode: Int, sequence: UInt64, bytes: UInt64) {
        self.vnode = vnode
        self.sequence = sequence
        self.bytes = bytes
    }

    public func writeFields(into writer: inout PeerFieldWriter) {
        writer.integer(Tag.vnode, UInt32(truncatingIfNeeded: vnode))
        writer.integer(Tag.sequence, sequence)
        writer.integer(Tag.bytes, bytes)
    }

    public init(decoding frame: PeerFrame, limits: PeerProtocolLimits) throws(PeerProtocolError) {
        let reader = try PeerFieldReader(frame, expecting: Self.messageType)
        vnode = try reader.vnode(Tag.vnode)
        sequence = try reader.integer(Tag.sequence)
        bytes = try reader.integer(Tag.bytes)
    }
}
