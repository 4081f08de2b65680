import NIOCore
import RondoCoordinator
import RondoCore
import RondoPeer
import RondoPeerTransport

/// What `rondo coordinator` runs with.
public struct CoordinatorServerConfiguration: Sendable {
    public var host: String
    /// 0 picks a free port (`CoordinatorServer.boundPort()` says which).
    public var port: Int
    public var stateDirectory: String
    public var clusterName: String
    public var replicaCount: Int
    public var vnodeCount: VnodeCount
    /// Identity, liveness and transfer timing of the state machine.
    public var coordinator: CoordinatorConfiguration
    /// Applied at start (new or recovered cluster) when given: `ctl setTransferLimits`.
    public var transferConcurrencyPerNode: Int?
    public var transferBytesPerSecond: UInt64?
    /// How often the state machine's `tick` runs (failure detection, timeouts, scheduling).
    public var tickInterval: TimeAmount
    public var handshakeTimeout: TimeAmount
    public var outboundLimits: PeerOutboundLimits

    public init(
        host: String = "127.0.0.1", port: Int = 7000, stateDirectory: String, clusterName: String = "rondo",
        replicaCount: Int = 3, vnodeCount: VnodeCount = .default,
        coordinator: CoordinatorConfiguration = CoordinatorConfiguration(localNodeID: NodeID("coordinator")!),
        transferConcurrencyPerNode: Int? = nil, transferBytesPerSecond: UInt64? = nil,
        tickInterval: TimeAmount = .milliseconds(100),
        handshakeTimeout: TimeAmount = PeerPipeline.handshakeTimeoutDefault,
        outboundLimits: PeerOutboundLimits = .default
    ) {
        self.host = host
        self.port = port
        self.stateDirectory = stateDirectory
        self.clusterName = clusterName
        self.replicaCount = replicaCount
        self.vnodeCount = vnodeCount
        self.coordinator = coordinator
        self.transferConcurrencyPerNode = transferConcurrencyPerNode
        self.transferBytesPerSecond = transferBytesPerSecond
        self.tickInterval = tickInterval
        self.handshakeTimeout = handshakeTimeout
        self.outboundLimits = outboundLimits
    }
}
