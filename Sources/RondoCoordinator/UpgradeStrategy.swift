/// How the nodes of a rolling upgrade are grouped.
public enum UpgradeStrategy: Sendable, Hashable, CustomStringConvertible {
    /// `batchSize` nodes at a time (WebSphere's group rollout; 1 is ROMA's one-node procedure).
    case group(batchSize: Int)
    /// Half the cluster, then the other half (WebSphere's atomic rollout); refused up front when
    /// a remaining half cannot hold every vnode at full redundancy.
    case atomic

    public var description: String {
        switch self {
        case .group(let size): return "group of \(size)"
        case .atomic: return "atomic (half, then the other half)"
        }
    }
}
