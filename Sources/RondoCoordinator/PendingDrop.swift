/// A copy that must be deleted once every live member has acknowledged `epoch`, the first
/// published epoch whose table no longer lists it there.
public struct PendingDrop: Sendable, Hashable {
    public let replica: VnodeReplica
    public let epoch: UInt64

    public init(replica: VnodeReplica, epoch: UInt64) {
        self.replica = replica
        self.epoch = epoch
    }
}
