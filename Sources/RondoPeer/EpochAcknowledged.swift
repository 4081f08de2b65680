/// A node applied the routing table of `epoch`; drops that wait for it may go ahead.
/// Must-understand: a lost acknowledgement would hold drops back without a word.
public struct EpochAcknowledged: PeerMessage {
    public static let messageType = PeerMessageType.epochAcknowledged
    public static let frameFlags: PeerFrameFlags = .mustUnderstand

    public enum Tag {
        public static let epoch: UInt16 = 1
    }

    public var epoch: UInt64

    public init(epoch: UInt64) { self.epoch = epoch }

    public func writeFields(into writer: inout PeerFieldWriter) {
        writer.integer(Tag.epoch, epoch)
    }

    public init(decoding frame: PeerFrame, limits: PeerProtocolLimits) throws(PeerProtocolError) {
        let reader = try PeerFieldReader(frame, expecting: Self.messageType)
        epoch = try reader.integer(Tag.epoch)
    }
}
