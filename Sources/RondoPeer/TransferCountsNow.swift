/// The transfer source tells the target of `vnode` that the copy is complete as of replication
/// `sequence`, after `bytes` bytes: the target reports `TransferCompleted` once it applied
/// through `sequence`. Must-understand: losing it would stall the copy silently.
public struct TransferCountsNow: PeerMessage {
    public static let messageType = PeerMessageType.transferCountsNow
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
