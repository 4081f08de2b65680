import RondoCore

/// The transfer of `vnode` to the sender broke off, and why; or, with `target`, a copy to that
/// node which the sender (the source) could not make. Sent to the coordinator, which retries within
/// its limits; must-understand.
public struct TransferFailed: PeerMessage {
    public static let messageType = PeerMessageType.transferFailed
    public static let frameFlags: PeerFrameFlags = .mustUnderstand

    public enum Tag {
        public static let vnode: UInt16 = 1
        public static let reason: UInt16 = 2
        /// Optional string: the copy's target when it is not the sender (a source's refusal).
        public static let target: UInt16 = 3
    }

    public var vnode: Int
    /// At most `PeerProtocolLimits.textBytesMax` bytes; cut at a character boundary.
    public var reason: String
    /// Nil: the sender is the target.
    public var target: NodeID?

    public init(vnode: Int, reason: String, target: NodeID? = nil) {
        self.vnode = vnode
        self.reason = String.truncating(reason, toUTF8BytesMax: PeerProtocolLimits.textBytesMax)
        self.target = target
    }

    public func writeFields(into writer: inout PeerFieldWriter) {
        writer.integer(Tag.vnode, UInt32(truncatingIfNeeded: vnode))
        writer.string(Tag.reason, reason)
        if let target { writer.string(Tag.target, target.rawValue) }
    }

    public init(decoding frame: PeerFrame, limits: PeerProtocolLimits) throws(PeerProtocolError) {
        let reader = try PeerFieldReader(frame, expecting: Self.messageType)
        vnode = try reader.vnode(Tag.vnode)
        reason = try reader.string(Tag.reason, bytesMax: PeerProtocolLimits.textBytesMax)
        target = try reader.optionalString(Tag.target, bytesMax: NodeID.bytesMax).map { text throws(PeerProtocolError) in
            guard let id = NodeID(text) else {
                throw .invalidFieldValue(messageType: Self.messageType, tag: Tag.target, reason: "node id \(text.debugDescription) is not a token")
            }
            return id
        }
    }
}
