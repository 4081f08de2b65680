import NIOCore
import RondoCore
import RondoNode
import RondoPeer

/// What a cluster node's runtime needs besides its store and engine; `rondo node` fills it from
/// its flags. Every wait and queue of the runtime is bounded here.
public struct ClusterRuntimeConfiguration: Sendable {
    public var nodeID: NodeID
    public var clusterName: String
    /// Where peers and clients reach this node (also the peer listener's bind address).
    public var host: String
    /// The peer listener's port (0: the kernel picks one; the node advertises the bound port).
    public var peerPort: Int
    public var coordinatorHost: String
    public var coordinatorPort: Int
    /// `--vnodes`: a table with another vnode count stops the node (its store is laid out for this).
    public var vnodeCount: Int
    public var node: ClusterNodeConfiguration
    /// How often `ClusterNode.tick` runs.
    public var tickInterval: TimeAmount
    /// A forwarded request without an answer this long fails with `SERVER_ERROR`.
    public var forwardTimeout: TimeAmount
    /// Forwarded requests waiting for an answer; more fail at once.
    public var pendingForwardsMax: Int
    /// Local writes waiting for replication; more fail at once.
    public var pendingWritesMax: Int
    /// What the node's hellos say it runs: this build, unless a test overrides its version.
    public var build: BuildInfo
    /// `--data-dir`: where the node records each table epoch it installs (nil: nowhere).
    public var dataDirectory: NodeDataDirectory?

    public init(
        nodeID: NodeID, clusterName: String = "rondo", host: String, peerPort: Int, coordinatorHost: String, coordinatorPort: Int,
        vnodeCount: Int, node: ClusterNodeConfiguration = ClusterNodeConfiguration(), tickInterval: TimeAmount = .milliseconds(10),
        forwardTimeout: TimeAmount = .seconds(5), pendingForwardsMax: Int = 65_536, pendingWritesMax: Int = 65_536,
        build: BuildInfo = .current, dataDirectory: NodeDataDirectory? = nil
    ) {
        precondition(tickInterval.nanoseconds > 0 && forwardTimeout.nanoseconds > 0)
        precondition(pendingForwardsMax >= 1 && pendingWritesMax >= 1)
        self.nodeID = nodeID
        self.clusterName = clusterName
        self.host = host
        self.peerPort = peerPort
        self.coordinatorHost = coordinatorHost
        self.coordinatorPort = coordinatorPort
        self.vnodeCount = vnodeCount
        self.node = node
        self.tickInterval = tickInterval
        self.forwardTimeout = forwardTimeout
        self.pendingForwardsMax = pendingForwardsMax
        self.pendingWritesMax = pendingWritesMax
        self.build = build
        self.dataDirectory = dataDirectory
    }
}
