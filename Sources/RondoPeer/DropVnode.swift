/// The coordinator tells a node to delete its copy of `vnode`: every live member acknowledged a
/// table without it. Must-understand: an ignored drop would keep memory forever.
public struct DropVnode: PeerMessage {
    public static let messageType = PeerMessageType.dropVnode
    public static let frameFlags: PeerFrameFlags = .mustUnderstand

    public enum Tag {
        public static let vnode: UInt16 = 1
    }

    public var vnode: Int

    public init(vnode: Int) { self.vnode = vnode }

    public func writeFields(into writer: inout PeerFieldWriter) {
        writer.integer(Tag.vnode, UInt32(truncatingIfNeeded: vnode))
    }

    public init(decoding frame: PeerFrame, limits: PeerProtocolLimits) throws(PeerProtocolError) {
        let reader = try PeerFieldReader(frame, expecting: Self.messageType)
        vnode = try reader.vnode(Tag.vnode)
    }
}
