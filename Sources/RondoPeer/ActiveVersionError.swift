import RondoCore

/// Why `ActiveVersion.compute` has no answer for a member list.
public enum ActiveVersionError: Error, Hashable, Sendable, CustomStringConvertible {
    case noMembers
    case noCommonProtocolVersion
    case memberBelowFinalized(SemanticVersion, finalized: SemanticVersion)

    public var description: String {
        switch self {
        case .noMembers: return "no members, so no active version"
        case .noCommonProtocolVersion: return "the members share no protocol version"
        case .memberBelowFinalized(let member, let finalized):
            return "a member runs \(member), below the finalized version \(finalized)"
        }
    }
}
