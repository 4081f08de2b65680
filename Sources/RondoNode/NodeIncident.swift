import RondoCore
import RondoRing

/// Something that should not happen to a correct cluster, or a named known gap
/// (docs/simulation.md "Known gaps"). The runtime logs it; the simulation counts a known gap and
/// reports anything else as a violation.
public enum NodeIncident: Sendable, Equatable, CustomStringConvertible {
    case tableUndecodable(epoch: UInt64, reason: String)
    case replicationUndecodable(from: NodeID, reason: String)
    case applyFailed(vnode: Int, sequence: UInt64, reason: String)
    /// The coordinator asked to drop a copy the node's table still lists it for; refused.
    case dropRefused(vnode: Int, epoch: UInt64)
    /// A message only the coordinator takes reached the node, or the reverse.
    case misdirectedMessage(String)
    /// Known gap: listed as primary without any copy; it starts at sequence 0.
    case primaryWithoutCopy(vnode: Int, epoch: UInt64)
    /// Known gap: ordered to copy a vnode it is not the primary of; refused (`transferFailed`).
    case transferSourceNotPrimary(vnode: Int)

    /// The name under which docs/simulation.md lists this known gap; nil for anything else.
    public var knownGapName: String? {
        switch self {
        case .primaryWithoutCopy: return "primary-without-copy"
        case .transferSourceNotPrimary: return "transfer-source-not-primary"
        default: return nil
        }
    }

    public var description: String {
        switch self {
        case .tableUndecodable(let epoch, let reason): return "the table of epoch \(epoch) did not decode: \(reason)"
        case .replicationUndecodable(let from, let reason): return "a replication batch from \(from) did not decode: \(reason)"
        case .applyFailed(let vnode, let sequence, let reason): return "could not apply vnode \(vnode) entry \(sequence): \(reason)"
        case .dropRefused(let vnode, let epoch):
            return "was told to drop vnode \(vnode), which its table of epoch \(epoch) lists it for"
        case .misdirectedMessage(let what): return "received a misdirected message: \(what)"
        case .primaryWithoutCopy(let vnode, let epoch): return "primary of vnode \(vnode) at epoch \(epoch) without a copy"
        case .transferSourceNotPrimary(let vnode): return "ordered to copy vnode \(vnode) without being its primary"
        }
    }
}
