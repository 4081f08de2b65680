/// Why a cluster node's runtime stops the process.
public enum ClusterRuntimeError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The cluster's tables divide the key space into another number of vnodes than the node's
    /// store: restart the node with `--vnodes <cluster>`.
    case vnodeCountMismatch(cluster: Int, node: Int)

    public var description: String {
        switch self {
        case .vnodeCountMismatch(let cluster, let node):
            return "the cluster's routing table has \(cluster) vnodes but this node runs with --vnodes \(node): restart it with --vnodes \(cluster)"
        }
    }
}
