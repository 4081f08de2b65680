import Synchronization

/// The current routing table, shared by every connection of a routing-aware run and replaced
/// whole when the runner refetches it.
public final class RoutingTableBox: Sendable {
    private let current: Mutex<RoutingTableSnapshot>

    public init(_ snapshot: RoutingTableSnapshot) {
        current = Mutex(snapshot)
    }

    public var snapshot: RoutingTableSnapshot { current.withLock { $0 } }

    public func replace(with snapshot: RoutingTableSnapshot) {
        current.withLock { $0 = snapshot }
    }
}
