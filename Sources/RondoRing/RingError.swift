/// Why a membership change or a table construction was refused.
public enum RingError: Error, Sendable, Equatable, CustomStringConvertible {
    case replicaCountOutOfRange(Int)
    case tooManyMembers(Int)
    case noActiveMembers
    case duplicateMember(MemberID)
    case unknownMember(MemberID)
    case alreadyInState(MemberID, MemberState)
    case labelTooLong(MemberID)

    public var description: String {
        switch self {
        case .replicaCountOutOfRange(let count):
            return "replica count \(count) is outside 1...\(RingLimits.replicaCountMax)"
        case .tooManyMembers(let count):
            return "\(count) members exceed the limit of \(RingLimits.membersMax)"
        case .noActiveMembers:
            return "a routing table needs at least one active member"
        case .duplicateMember(let id):
            return "\(id) is already a member"
        case .unknownMember(let id):
            return "\(id) is not a member"
        case .alreadyInState(let id, let state):
            return "\(id) is already \(state)"
        case .labelTooLong(let id):
            return "\(id) has a zone or host label longer than \(RingLimits.labelBytesMax) bytes"
        }
    }
}
