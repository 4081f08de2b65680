/// A message of an established connection, decoded; what `PeerHandshakeHandler` passes on.
/// Handshake messages never appear here: after the handshake they are protocol errors.
public enum PeerInboundMessage: Sendable, Hashable {
    case heartbeat(Heartbeat)
    case error(ErrorFrame)
    case routingTableUpdate(RoutingTableUpdate)
    case forwardedRequest(ForwardedRequest)
    case forwardedReply(ForwardedReply)
    case replicationBatch(ReplicationBatch)
    case replicationAck(ReplicationAck)
    case transferBatch(TransferBatch)

    /// Nil for a message type this release does not know (and for handshake types, which the
    /// caller handles before asking).
    public static func decode(_ frame: PeerFrame, limits: PeerProtocolLimits) throws(PeerProtocolError) -> PeerInboundMessage? {
        switch frame.messageType {
        case .heartbeat: return .heartbeat(try Heartbeat(decoding: frame, limits: limits))
        case .error: return .error(try ErrorFrame(decoding: frame, limits: limits))
        case .routingTableUpdate: return .routingTableUpdate(try RoutingTableUpdate(decoding: frame, limits: limits))
        case .forwardedRequest: return .forwardedRequest(try ForwardedRequest(decoding: frame, limits: limits))
        case .forwardedReply: return .forwardedReply(try ForwardedReply(decoding: frame, limits: limits))
        case .replicationBatch: return .replicationBatch(try ReplicationBatch(decoding: frame, limits: limits))
        case .replicationAck: return .replicationAck(try ReplicationAck(decoding: frame, limits: limits))
        case .transferBatch: return .transferBatch(try TransferBatch(decoding: frame, limits: limits))
        default: return nil
        }
    }
}
