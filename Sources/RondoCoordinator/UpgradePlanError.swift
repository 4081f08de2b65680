import RondoCore

/// Why an upgrade plan was refused. Each text says what would make the plan possible.
public enum UpgradePlanError: Error, Sendable, Hashable, CustomStringConvertible {
    case noTarget
    case noRoutingTable
    case invalidBatchSize(Int)
    case invalidLimits
    case binaryPathTooLong(Int)
    case membershipChangePending
    case memberNotReady(NodeID, MembershipState)
    case nothingToUpgrade(SemanticVersion)
    /// After taking `batch` out, fewer active nodes remain than the replica count.
    case notEnoughNodes(batch: [NodeID], remaining: Int, replicaCount: Int, atomic: Bool)
    /// A receiving node would exceed its memory limit while the batch is released.
    case insufficientMemory(batch: [NodeID], node: NodeID, incomingBytes: UInt64, freeBytes: UInt64)
    case ring(String)

    public var description: String {
        switch self {
        case .noTarget: return "an upgrade needs a target: --to VERSION and/or --binary PATH"
        case .noRoutingTable: return "the cluster has no routing table yet: join a node first"
        case .invalidBatchSize(let size): return "batch size \(size) must be at least 1"
        case .invalidLimits: return "every upgrade step time must be 1 ms ... 7 days"
        case .binaryPathTooLong(let bytes): return "the binary path is \(bytes) bytes; at most 4096 are allowed"
        case .membershipChangePending:
            return "a membership change is in progress (copies, a target table or a joining/draining node): wait until ctl status shows nothing pending"
        case .memberNotReady(let node, let state):
            return "\(node) is \(state): every member must be active (leave down nodes or let joins finish) before an upgrade"
        case .nothingToUpgrade(let version): return "every member already runs \(version)"
        case .notEnoughNodes(let batch, let remaining, let replicas, let atomic):
            let what = atomic ? "the atomic strategy takes half the cluster (\(batch.map(\.rawValue).joined(separator: ", ")))" : "taking out \(batch.map(\.rawValue).joined(separator: ", "))"
            return "\(what) leaves \(remaining) active node(s), fewer than the \(replicas) replicas every vnode needs: "
                + (atomic ? "use --strategy group with a smaller batch, or add nodes" : "use a smaller batch or add nodes")
        case .insufficientMemory(let batch, let node, let incoming, let free):
            return "while \(batch.map(\.rawValue).joined(separator: ", ")) is released, \(node) would receive \(incoming) bytes but has \(free) bytes free: use a smaller batch, add nodes or raise its memory limit"
        case .ring(let detail): return "routing table: \(detail)"
        }
    }
}
