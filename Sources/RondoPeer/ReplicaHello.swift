/// A replica tells the primary of `vnode` where it stands, so the primary resumes replication
/// after `appliedThrough` (or starts a transfer when it cannot). Must-understand: a primary that
/// ignored it would leave the replica silently behind.
public struct ReplicaHello: PeerMessage {
    public static let messageType = PeerMessageType.replicaHello
    public static let frameFlags: PeerFrameFlags = .mustUnderstand

    public enum Tag {
        public static let vnode: UInt16 = 1
        public static let appliedThrough: UInt16 = 2
        public static let epoch: UInt16 = 3
    }

    public var vnode: Int
    /// The highest contiguous write sequence the replica applied.
    public var appliedThrough: UInt64
    /// The routing table epoch the replica acts on.
    public var epoch: UInt64

    public init(vnode: Int, appliedThrough: UInt64, epoch: UInt64) {
        self.vnode = vnode
        self.appliedThrough = appliedThrough
        self.epoch = epoch
    }

    public func writeFields(into writer: inout PeerFieldWriter) {
        writer.integer(Tag.vnode, UInt32(truncatingIfNeeded: vnode))
        writer.integer(Tag.appliedThrough, appliedThrough)
        writer.integer(Tag.epoch, epoch)
    }

    public init(decoding frame: PeerFrame, limits: PeerProtocolLimits) throws(PeerProtocolError) {
        let reader = try PeerFieldReader(frame, expecting: Self.messageType)
        vnode = try reader.vnode(Tag.vnode)
        appliedThrough = try reader.integer(Tag.appliedThrough)
        epoch = try reader.integer(Tag.epoch)
    }
}
