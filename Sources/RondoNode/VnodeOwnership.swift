/// Whether this node serves a vnode's writes (and primary reads) right now.
public enum VnodeOwnership: Sendable, Equatable {
    /// Its table makes it primary and its replicator runs.
    case primary
    /// Not the primary at this epoch (0: no table yet): the client retries after a newer table.
    case notOwner(epoch: UInt64)
}
