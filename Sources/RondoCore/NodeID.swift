/// The name a node (or coordinator, or ctl session) gives itself in its `Hello`. Unique among the
/// cluster's members; a second connection claiming a member's id is refused.
public struct NodeID: Sendable, Hashable, Comparable, CustomStringConvertible {
    public static let bytesMax = 64

    public let rawValue: String

    /// Returns nil unless `rawValue` is 1...`bytesMax` bytes of letters, digits, `.`, `-`, `_`.
    public init?(_ rawValue: String) {
        guard ASCIIToken.isValid(rawValue, bytesMax: Self.bytesMax) else { return nil }
        self.rawValue = rawValue
    }

    public var description: String { rawValue }

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }
}
