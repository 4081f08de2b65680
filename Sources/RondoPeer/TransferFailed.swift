/// The transfer of `vnode` to the sender broke off, and why. Sent to the coordinator, which
/// retries within its limits; must-understand.
public struct TransferFailed: PeerMessage {
    public static let messageType = PeerMessageType.transferFailed
    public static let frameFlags: PeerFrameFlags = .mustUnderstand

    public enum Tag {
        public static let vnode: UInt16 = 1
        public static let reason: UInt16 = 2
    }

    public var vnode: Int
    /// At most `PeerProtocolLimits.textBytesMax` bytes; cut at a character boundary.
    public var reason: String

    public init(vnode: Int, reason: String) {
        self.vnode = vnode
        self.reason = String.truncating(reason, toUTF8BytesMax: PeerProtocolLimits.textBytesMax)
    }

    public func writeFields(into writer: inout PeerFieldWriter) {
        writer.integer(Tag.vnode, UInt32(truncatingIfNeeded: vnode))
        writer.string(Tag.reason, reason)
    }

    public init(decoding frame: PeerFrame, limits: PeerProtocolLimits) throws(PeerProtocolError) {
        let reader = try PeerFieldReader(frame, expecting: Self.messageType)
        vnode = try reader.vnode(Tag.vnode)
        reason = try reader.string(Tag.reason, bytesMax: PeerProtocolLimits.textBytesMax)
    }
}
