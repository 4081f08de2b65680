import RondoPeer

/// What a transfer source asks its caller to do next.
public enum TransferSourceAction: Sendable {
    /// Send the batch to the target, then ask again.
    case send(TransferBatch)
    /// The throttle is in debt: ask again at this time.
    case waitUntil(ClusterInstant)
    /// The last batch was sent.
    case finished
}
