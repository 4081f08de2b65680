/// Liveness on an established connection. The receiver does not answer it; each side sends its
/// own. Not must-understand: losing one is what heartbeats are for.
public struct Heartbeat: PeerMessage {
    public static let messageType = PeerMessageType.heartbeat

    public enum Tag {
        public static let sequence: UInt16 = 1
    }

    /// Increases by one per heartbeat on a connection, so gaps show lost or delayed ones.
    public var sequence: UInt64

    public init(sequence: UInt64) { self.sequence = sequence }

    public func writeFields(into writer: inout PeerFieldWriter) {
        writer.integer(Tag.sequence, sequence)
    }

    public init(decoding frame: PeerFrame, limits: PeerProtocolLimits) throws(PeerProtocolError) {
        let reader = try PeerFieldReader(frame, expecting: Self.messageType)
        sequence = try reader.integer(Tag.sequence)
    }
}
