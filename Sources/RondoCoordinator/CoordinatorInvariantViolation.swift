import RondoCore
import RondoRing

/// The first invariant a `CoordinatorState` breaks (`checkInvariants()`).
public enum CoordinatorInvariantViolation: Error, Sendable, Hashable, CustomStringConvertible {
    // Equality is synthesized from the cases; the ring errors inside are only Equatable, so
    // hashing goes through the description, which names every associated value.
    public func hash(into hasher: inout Hasher) { hasher.combine(description) }

    case table(RingInvariantViolation)
    case tableShapeMismatch
    case targetWithoutTable
    case targetNotAfterTable(table: UInt64, target: UInt64)
    case duplicateMemberID(MemberID)
    case memberIDNotBelowNext(MemberID)
    case memberIndexStale(MemberID)
    case tableListsUnknownMember(MemberID)
    case tableListsMemberThatIsNotLive(NodeID, MembershipState)
    case holderNotLive(VnodeReplica)
    case dropOfListedReplica(VnodeReplica)
    case copyForMemberThatIsNotLive(VnodeReplica)
    case tooManyCopies(Int)

    public var description: String {
        switch self {
        case .table(let violation): return "published table: \(violation)"
        case .tableShapeMismatch: return "the table's vnode or replica count differs from the cluster's"
        case .targetWithoutTable: return "a target table without a published table"
        case .targetNotAfterTable(let table, let target): return "target epoch \(target) is not above \(table)"
        case .duplicateMemberID(let id): return "\(id) is assigned twice"
        case .memberIDNotBelowNext(let id): return "\(id) is not below the next member id"
        case .memberIndexStale(let id): return "the member index does not lead \(id) to its record"
        case .tableListsUnknownMember(let id): return "the table lists \(id), which no record has"
        case .tableListsMemberThatIsNotLive(let node, let state): return "the table lists \(node), which is \(state)"
        case .holderNotLive(let replica): return "\(replica) is counted as a copy but its member is not live"
        case .dropOfListedReplica(let replica): return "\(replica) is to be dropped but the table lists it"
        case .copyForMemberThatIsNotLive(let replica): return "a copy of \(replica) is planned for a member that is not live"
        case .tooManyCopies(let count): return "\(count) copies planned, more than vnodes × replicas × 2"
        }
    }
}
