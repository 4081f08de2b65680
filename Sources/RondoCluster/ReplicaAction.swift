import RondoPeer
import RondoStorage

/// What a replica (applier or transfer target) asks its caller to do.
public enum ReplicaAction: Sendable, Equatable {
    /// Tell the primary every entry up to `through` is applied.
    case acknowledge(vnode: Int, through: UInt64)
    /// Entries after `from - 1` are missing (a gap): ask the primary to send from `from`.
    case requestCatchUp(vnode: Int, from: UInt64)
    /// The store refused an entry (memory limit, size); nothing after it is applied until a resend
    /// succeeds. The primary will see this replica lagging.
    case applyFailed(vnode: Int, sequence: UInt64, outcome: StoreOutcome)
    /// A transfer target holds the snapshot and every entry after it up to `sequence`.
    case caughtUp(vnode: Int, sequence: UInt64)

    /// The peer message for an ack or a catch-up request. Both are a cumulative `ReplicationAck`:
    /// a catch-up request acknowledges `from - 1`, which the primary reads as "send from `from`".
    public var replicationAck: ReplicationAck? {
        switch self {
        case .acknowledge(let vnode, let through): return ReplicationAck(vnode: UInt32(vnode), acknowledgedSequence: through)
        case .requestCatchUp(let vnode, let from): return ReplicationAck(vnode: UInt32(vnode), acknowledgedSequence: from - 1)
        case .applyFailed, .caughtUp: return nil
        }
    }
}
