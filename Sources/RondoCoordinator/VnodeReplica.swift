import RondoRing

/// One copy of one vnode on one member: the unit that transfers make and drops remove.
public struct VnodeReplica: Sendable, Hashable, Comparable, CustomStringConvertible {
    public let vnode: Int
    public let member: MemberID

    public init(vnode: Int, member: MemberID) {
        self.vnode = vnode
        self.member = member
    }

    public static func < (lhs: Self, rhs: Self) -> Bool {
        lhs.vnode != rhs.vnode ? lhs.vnode < rhs.vnode : lhs.member.value < rhs.member.value
    }

    public var description: String { "vnode \(vnode) on \(member)" }
}
