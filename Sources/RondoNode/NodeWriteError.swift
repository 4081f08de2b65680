import RondoCluster

/// Why the node does not take a write.
public enum NodeWriteError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Not the vnode's primary at this epoch: answer `notOwner`.
    case notOwner(epoch: UInt64)
    /// The primary refuses (back-pressure).
    case replication(ReplicationError)

    public var description: String {
        switch self {
        case .notOwner(let epoch): return "not the owner at epoch \(epoch)"
        case .replication(let error): return error.description
        }
    }
}
