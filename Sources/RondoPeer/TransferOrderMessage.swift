import RondoCore

/// The coordinator orders `source` to copy `vnode` to `target` at most `bytesPerSecond`.
/// Sent to the source. Must-understand: an ignored order would only end in a timeout.
public struct TransferOrderMessage: PeerMessage {
    public static let messageType = PeerMessageType.transferOrder
    public static let frameFlags: PeerFrameFlags = .mustUnderstand

    public enum Tag {
        public static let vnode: UInt16 = 1
        public static let source: UInt16 = 2
        public static let target: UInt16 = 3
        public static let targetMemberID: UInt16 = 4
        public static let bytesPerSecond: UInt16 = 5
        public static let attempt: UInt16 = 6
    }

    public var vnode: Int
    public var source: NodeID
    public var target: NodeID
    /// The target's member number: a joining target is in no pushed directory yet.
    public var targetMemberID: UInt32
    /// Positive.
    public var bytesPerSecond: UInt64
    /// 1 for the first try; positive.
    public var attempt: UInt32

    public init(vnode: Int, source: NodeID, target: NodeID, targetMemberID: UInt32, bytesPerSecond: UInt64, attempt: UInt32) {
        self.vnode = vnode
        self.source = source
        self.target = target
        self.targetMemberID = targetMemberID
        self.bytesPerSecond = bytesPerSecond
        self.attempt = attempt
    }

    public func writeFields(into writer: inout PeerFieldWriter) {
        writer.integer(Tag.vnode, UInt32(truncatingIfNeeded: vnode))
        writer.string(Tag.source, source.rawValue)
        writer.string(Tag.target, target.rawValue)
        writer.integer(Tag.targetMemberID, targetMemberID)
        writer.integer(Tag.bytesPerSecond, bytesPerSecond)
        writer.integer(Tag.attempt, attempt)
    }

    public init(decoding frame: PeerFrame, limits: PeerProtocolLimits) throws(PeerProtocolError) {
        let reader = try PeerFieldReader(frame, expecting: Self.messageType)
        vnode = try reader.vnode(Tag.vnode)
        source = try reader.nodeID(Tag.source)
        target = try reader.nodeID(Tag.target)
        targetMemberID = try reader.integer(Tag.targetMemberID)
        bytesPerSecond = try reader.integer(Tag.bytesPerSecond)
        guard bytesPerSecond > 0 else {
            throw .invalidFieldValue(messageType: Self.messageType, tag: Tag.bytesPerSecond, reason: "a transfer rate must be positive")
        }
        attempt = try reader.integer(Tag.attempt)
        guard attempt > 0 else {
            throw .invalidFieldValue(messageType: Self.messageType, tag: Tag.attempt, reason: "attempts count from 1")
        }
    }
}
