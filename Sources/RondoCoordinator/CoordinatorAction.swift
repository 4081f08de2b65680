import RondoCore
import RondoPeer

/// What the caller must do after an event, in order. A `.persist` always comes first in a batch
/// whose other actions depend on a state change: write it durably (temp file, fsync, rename)
/// before performing the rest.
public enum CoordinatorAction: Sendable, Hashable {
    case persist(CoordinatorState)
    /// Answer a node's `Hello`. `startEmpty`: the node was declared down (or left) and must
    /// discard every vnode it holds before taking part; its data is not trusted.
    case answerHello(NodeID, HandshakeDecision, startEmpty: Bool)
    case pushTable(TablePush)
    case startTransfer(TransferOrder)
    /// Delete the node's copy of the vnode: every live member acknowledged a table without it.
    case dropVnode(node: NodeID, vnode: Int)
    /// Rolling upgrade: the node (released, holding no vnode) must restart — in place by
    /// re-executing `binaryPath` (its own binary when nil), or by an operator (`external`). The
    /// coordinator waits for its hello on the expected version until `deadlineMilliseconds` (the
    /// coordinator's clock; send the node the time left).
    case restartNode(NodeID, binaryPath: String?, mode: RestartMode, deadlineMilliseconds: Int64)
    case reply(requestID: UInt64, CtlResponse)
    case log(LogLevel, String)
}

/// A routing table to send (`RoutingTableUpdate`), with the directory that turns its member
/// numbers into nodes and addresses.
public struct TablePush: Sendable, Hashable {
    public let epoch: UInt64
    /// `RoutingTable.encoded()`.
    public let table: [UInt8]
    public let directory: [DirectoryEntry]
    public let recipients: [NodeID]
    /// The cluster's active features (`Coordinator.activeFeatures`) and finalized version, sent
    /// with every table so that each node knows which gated behaviour is on (`FeatureGate`).
    public let activeFeatures: Set<FeatureName>
    public let finalizedVersion: SemanticVersion?
}

/// One member of a pushed table: its number, name and addresses.
public struct DirectoryEntry: Sendable, Hashable {
    public let memberID: UInt32
    public let nodeID: NodeID
    public let addresses: MemberAddresses
}

/// Copy `vnode` from `source` to `target`, at most `bytesPerSecond`. From the start the
/// vnode's primary also replicates new writes to `target` (a pending replica), so the copy is
/// current when it completes; the target then reports `transferCompleted`.
public struct TransferOrder: Sendable, Hashable {
    public let vnode: Int
    public let source: NodeID
    public let target: NodeID
    /// The target's `MemberID`: the primary's replicator names replicas by member number, and a
    /// joining target is in no pushed table's directory yet, so the source could not find it.
    public let targetMemberID: UInt32
    public let bytesPerSecond: UInt64
    /// 1 for the first try.
    public let attempt: Int
}
