/// How many copies a write needs before the client hears it succeeded (`--write-ack`). Copies
/// count the primary's own; replicas marked down, and replicas still being rebuilt, are neither
/// waited for nor counted.
public enum WriteAckPolicy: String, Sendable, Hashable, CaseIterable {
    /// Every live, caught-up secondary.
    case all
    /// A majority of the placed replicas (primary included): `replicas / 2` secondary acks.
    case quorum
    /// The primary alone.
    case one

    /// Secondary acks a write needs, given the placed replica count (primary included) and the
    /// secondaries that are live and caught up.
    func requiredAcks(placedReplicaCount: Int, eligibleSecondaryCount: Int) -> Int {
        switch self {
        case .all: return eligibleSecondaryCount
        case .quorum: return placedReplicaCount / 2
        case .one: return 0
        }
    }
}
