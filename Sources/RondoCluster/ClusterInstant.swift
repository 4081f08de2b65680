/// A point on the node's monotonic clock, in milliseconds from an arbitrary origin. The state
/// machines never read a clock: every event that depends on time carries `now`, so the simulation
/// drives them with a manual clock and the runtime with `NIODeadline.now()`.
public struct ClusterInstant: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var milliseconds: Int64

    public init(milliseconds: Int64) {
        self.milliseconds = milliseconds
    }

    public static func < (lhs: ClusterInstant, rhs: ClusterInstant) -> Bool {
        lhs.milliseconds < rhs.milliseconds
    }

    public func adding(milliseconds delta: Int64) -> ClusterInstant {
        ClusterInstant(milliseconds: milliseconds &+ delta)
    }

    public var description: String { "t=\(milliseconds)ms" }
}
