/// Where a batch of a rolling upgrade is. Each step has a deadline (`UpgradeLimits`).
/// `allCases` is the procedure's order.
public enum UpgradeStep: UInt8, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// Waiting until every member is connected, no vnode is under-replicated, no membership
    /// change is pending and the remaining nodes can hold every vnode.
    case preflight = 1
    /// The batch's nodes drain: their vnodes are copied to the others before the switch.
    case release = 2
    /// The batch's nodes were told to restart; waiting for each to come back on the expected
    /// version.
    case restart = 3
    /// The batch's nodes are active again: their vnodes copy back, placement ends as it began.
    case returning = 4
    /// Waiting until the cluster is healthy again before the next batch.
    case healthGate = 5

    public var description: String {
        switch self {
        case .preflight: return "preflight"
        case .release: return "release"
        case .restart: return "restart"
        case .returning: return "return"
        case .healthGate: return "health gate"
        }
    }
}
