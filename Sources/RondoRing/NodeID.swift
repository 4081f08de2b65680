/// A cluster node's identity. A 32-bit number rather than a name, so that routing tables stay small
/// on the wire and comparisons are cheap; the coordinator maps names and addresses to ids.
public struct NodeID: Sendable, Hashable, Comparable, CustomStringConvertible {
    public let value: UInt32

    public init(_ value: UInt32) {
        self.value = value
    }

    public static func < (lhs: NodeID, rhs: NodeID) -> Bool {
        lhs.value < rhs.value
    }

    public var description: String { "node\(value)" }
}
