/// A replica's acknowledgement: every write of `vnode` up to and including `acknowledgedSequence`
/// is applied. Cumulative, so a lost ack is repaired by the next one.
public struct ReplicationAck: PeerMessage {
    public static let messageType = PeerMessageType.replicationAck
    public static let frameFlags: PeerFrameFlags = .mustUnderstand

    public enum Tag {
        public static let vnode: UInt16 = 1
        public static let acknowledgedSequence: UInt16 = 2
    }

    public var vnode: UInt32
    public var acknowledgedSequence: UInt64

    public init(vnode: UInt32, acknowledgedSequence: UInt64) {
        self.vnode = vnode
        self.acknowledgedSequence = acknowledgedSequence
    }

    public func writeFields(into writer: inout PeerFieldWriter) {
        writer.integer(Tag.vnode, vnode)
        writer.integer(Tag.acknowledgedSequence, acknowledgedSequence)
    }

    public init(decoding frame: PeerFrame, limits: PeerProtocolLimits) throws(PeerProtocolError) {
        let reader = try PeerFieldReader(frame, expecting: Self.messageType)
        vnode = try reader.integer(Tag.vnode)
        acknowledgedSequence = try reader.integer(Tag.acknowledgedSequence)
    }
}
