/// A message of an established connection, decoded; what the handshake state machine delivers.
/// Handshake messages never appear here: after the handshake they are protocol errors.
///
/// Control-plane and bulk messages (at most a few per second, or one per transfer batch) are
/// `indirect`: the enum is copied for every received frame, and unboxed they made it the size of
/// the largest (`CtlRequest`, 81 bytes) instead of a replication batch's (48).
public enum PeerInboundMessage: Sendable, Hashable {
    indirect case heartbeat(Heartbeat)
    case error(ErrorFrame)
    indirect case routingTableUpdate(RoutingTableUpdate)
    case forwardedRequest(ForwardedRequest)
    case forwardedReply(ForwardedReply)
    case replicationBatch(ReplicationBatch)
    case replicationAck(ReplicationAck)
    indirect case transferBatch(TransferBatch)
    case replicaHello(ReplicaHello)
    case transferCountsNow(TransferCountsNow)
    indirect case transferOrder(TransferOrderMessage)
    case dropVnode(DropVnode)
    case epochAcknowledged(EpochAcknowledged)
    case transferCompleted(TransferCompleted)
    indirect case transferFailed(TransferFailed)
    indirect case restartNode(RestartNode)
    indirect case ctlRequest(CtlRequest)
    indirect case ctlReply(CtlReply)

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
        case .replicaHello: return .replicaHello(try ReplicaHello(decoding: frame, limits: limits))
        case .transferCountsNow: return .transferCountsNow(try TransferCountsNow(decoding: frame, limits: limits))
        case .transferOrder: return .transferOrder(try TransferOrderMessage(decoding: frame, limits: limits))
        case .dropVnode: return .dropVnode(try DropVnode(decoding: frame, limits: limits))
        case .epochAcknowledged: return .epochAcknowledged(try EpochAcknowledged(decoding: frame, limits: limits))
        case .transferCompleted: return .transferCompleted(try TransferCompleted(decoding: frame, limits: limits))
        case .transferFailed: return .transferFailed(try TransferFailed(decoding: frame, limits: limits))
        case .restartNode: return .restartNode(try RestartNode(decoding: frame, limits: limits))
        case .ctlRequest: return .ctlRequest(try CtlRequest(decoding: frame, limits: limits))
        case .ctlReply: return .ctlReply(try CtlReply(decoding: frame, limits: limits))
        default: return nil
        }
    }
}
