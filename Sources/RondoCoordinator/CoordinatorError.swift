import RondoCore
import RondoRing

/// Why the coordinator refused an operator's request. The description says what would work.
public enum CoordinatorError: Error, Sendable, Hashable, CustomStringConvertible {
    // Equality is synthesized from the cases; the ring errors inside are only Equatable, so
    // hashing goes through the description, which names every associated value.
    public func hash(into hasher: inout Hasher) { hasher.combine(description) }

    case unknownNode(NodeID)
    case notConnected(NodeID)
    case alreadyMember(NodeID, MembershipState)
    case notActive(NodeID, MembershipState)
    case notReleasedOrDown(NodeID, MembershipState)
    case nodeIsDown(NodeID)
    case lastActiveMember(NodeID)
    case invalidTransferLimits(concurrencyPerNode: Int, bytesPerSecond: UInt64)
    case ring(RingError)
    case upgradePlan(UpgradePlanError)
    case upgrade(UpgradeCommandError)

    public var description: String {
        switch self {
        case .unknownNode(let node): return "unknown node \(node): it must connect before it can join"
        case .notConnected(let node): return "\(node) is not connected"
        case .alreadyMember(let node, let state): return "\(node) is already \(state)"
        case .notActive(let node, let state): return "\(node) is \(state); only an active member can be released"
        case .notReleasedOrDown(let node, let state):
            return "\(node) is \(state); release it and wait until it is released (or down) before it leaves"
        case .nodeIsDown(let node): return "\(node) is down; it rejoins by itself when it reconnects"
        case .lastActiveMember(let node): return "\(node) is the last active member; join another node first"
        case .invalidTransferLimits(let concurrency, let rate):
            return "invalid transfer limits: concurrency \(concurrency) must be 1...\(TransferLimits.concurrencyPerNodeMax), bytes/s \(rate) must be positive"
        case .ring(let error): return "routing table: \(error)"
        case .upgradePlan(let error): return "upgrade plan: \(error)"
        case .upgrade(let error): return "upgrade: \(error)"
        }
    }
}
