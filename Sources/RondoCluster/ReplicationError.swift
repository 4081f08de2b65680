/// Why the primary did not complete a write. The engine maps every case to `SERVER_ERROR`; the
/// write itself stays applied on the primary (as after any timeout, its outcome is unknown to the
/// client).
public enum ReplicationError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Back-pressure: `pendingWritesMax` writes already wait for acks.
    case tooManyPendingWrites(limit: Int)
    /// The acks the policy needs did not arrive within `writeTimeoutMilliseconds`.
    case acknowledgementTimeout(sequence: UInt64, acknowledgedBy: Int, required: Int)
    /// This node stopped being the vnode's primary (a newer table) while the write waited.
    case notPrimary(vnode: Int)

    public var description: String {
        switch self {
        case .tooManyPendingWrites(let limit): return "replication back-pressure: \(limit) writes pending"
        case .acknowledgementTimeout(let sequence, let acknowledgedBy, let required):
            return "write \(sequence) acknowledged by \(acknowledgedBy) of \(required) replicas in time"
        case .notPrimary(let vnode): return "no longer primary of vnode \(vnode)"
        }
    }
}
