import RondoRing

/// Why a request could not be routed or its forwarding could not finish. The engine answers the
/// client `SERVER_ERROR`.
public enum RoutingError: Error, Sendable, Equatable, CustomStringConvertible {
    case tooManyKeys(count: Int, maximum: Int)
    /// No replica of the vnode is reachable for this kind of request.
    case noReachableReplica(vnode: Int)
    /// A multi-key merge got a different number of results than the group had keys.
    case resultCountMismatch(group: Int, expected: Int, received: Int)
    /// The owner kept answering `notOwner` after this many attempts.
    case notOwnerRetriesExhausted(attempts: Int)
    /// No table of at least this epoch arrived within the wait bound.
    case tableWaitTimedOut(neededEpoch: UInt64)

    public var description: String {
        switch self {
        case .tooManyKeys(let count, let maximum): return "\(count) keys exceed the limit of \(maximum)"
        case .noReachableReplica(let vnode): return "no reachable replica for vnode \(vnode)"
        case .resultCountMismatch(let group, let expected, let received):
            return "group \(group) returned \(received) results for \(expected) keys"
        case .notOwnerRetriesExhausted(let attempts): return "owner not found after \(attempts) attempts"
        case .tableWaitTimedOut(let epoch): return "no routing table of epoch \(epoch) arrived in time"
        }
    }
}
