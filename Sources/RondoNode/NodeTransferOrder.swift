import RondoCore
import RondoRing

/// The coordinator's order to copy `vnode` from `source` (the node that receives the order) to
/// `target`. The target is named by member number too: the primary's replicator speaks
/// `MemberID`, and a joining target is in no pushed directory yet.
public struct NodeTransferOrder: Sendable, Hashable {
    public var vnode: Int
    public var source: NodeID
    public var target: NodeID
    public var targetMemberID: MemberID
    public var bytesPerSecond: UInt64
    /// 1 for the first try.
    public var attempt: Int

    public init(vnode: Int, source: NodeID, target: NodeID, targetMemberID: MemberID, bytesPerSecond: UInt64, attempt: Int) {
        self.vnode = vnode
        self.source = source
        self.target = target
        self.targetMemberID = targetMemberID
        self.bytesPerSecond = bytesPerSecond
        self.attempt = attempt
    }
}
