/// The first invariant a routing table breaks, as found by `RoutingTable.validate()`.
public enum RingInvariantViolation: Error, Sendable, Equatable, CustomStringConvertible {
    case epochZero
    case epochNotIncreasing(previous: UInt64, next: UInt64)
    case replicaCountOutOfRange(Int)
    case memberCountOutOfRange(Int)
    case membersNotSortedOrDuplicate(MemberID)
    case labelTooLong(MemberID)
    case placedReplicaCountWrong(placed: Int, expected: Int)
    case slotCountWrong(count: Int, expected: Int)
    case replicaOnInactiveMember(vnode: Int, node: MemberID)
    case replicasNotDistinct(vnode: Int, node: MemberID)
    case replicaCountUnbalanced(node: MemberID, count: Int, allowed: ClosedRange<Int>)
    case primaryCountUnbalanced(node: MemberID, count: Int, allowed: ClosedRange<Int>)
    case drainRecordInvalid(MemberID)

    public var description: String {
        switch self {
        case .epochZero: return "epoch is zero"
        case .epochNotIncreasing(let previous, let next):
            return "epoch \(next) does not increase on \(previous)"
        case .replicaCountOutOfRange(let count): return "replica count \(count) out of range"
        case .memberCountOutOfRange(let count): return "member count \(count) out of range"
        case .membersNotSortedOrDuplicate(let id): return "members not sorted or duplicate at \(id)"
        case .labelTooLong(let id): return "\(id) has a label that is too long"
        case .placedReplicaCountWrong(let placed, let expected):
            return "\(placed) replicas placed per vnode, expected \(expected)"
        case .slotCountWrong(let count, let expected): return "\(count) slots, expected \(expected)"
        case .replicaOnInactiveMember(let vnode, let node):
            return "vnode \(vnode) has a replica on \(node), which is not an active member"
        case .replicasNotDistinct(let vnode, let node): return "vnode \(vnode) holds \(node) twice"
        case .replicaCountUnbalanced(let node, let count, let allowed):
            return "\(node) holds \(count) replicas, allowed \(allowed)"
        case .primaryCountUnbalanced(let node, let count, let allowed):
            return "\(node) is primary of \(count) vnodes, allowed \(allowed)"
        case .drainRecordInvalid(let id): return "drain record of \(id) is invalid"
        }
    }
}
