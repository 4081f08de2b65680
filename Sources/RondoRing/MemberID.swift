/// A member's number in the routing table. The coordinator assigns one to each `NodeID` (the
/// operator's name for a node) when it first joins and never reuses it; numbers rather than names
/// keep routing tables small on the wire and comparisons cheap.
public struct MemberID: Sendable, Hashable, Comparable, CustomStringConvertible {
    public let value: UInt32

    public init(_ value: UInt32) {
        self.value = value
    }

    public static func < (lhs: MemberID, rhs: MemberID) -> Bool {
        lhs.value < rhs.value
    }

    public var description: String { "m\(value)" }
}
