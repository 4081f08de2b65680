import RondoCluster
import RondoCore
import RondoNode
import RondoPeer

/// The shape of one simulated run. Every bound the run needs is here, so a scenario reads as a
/// list of numbers and every loop of the simulation ends.
public struct SimulationConfiguration: Sendable {
    public var seed: UInt64
    public var vnodeCount: Int
    public var replicaCount: Int
    /// Nodes started and joined before the scenario begins.
    public var initialNodeCount: Int
    /// Nodes the run may ever have (initial ones plus joins).
    public var nodeCountMax: Int
    public var clientCount: Int
    public var keyCount: Int
    public var writeAckPolicy: WriteAckPolicy
    /// Network faults while faults are on.
    public var dropPercent: Int
    public var duplicatePercent: Int
    public var delayMaxMilliseconds: Int64
    /// Milliseconds of simulated time one step advances, at most (at least 1).
    public var stepMillisecondsMax: Int64
    public var heartbeatIntervalMilliseconds: Int64
    public var downAfterMilliseconds: Int64
    public var transferTimeoutMilliseconds: Int64
    /// How long a client waits for an answer before it counts the attempt as failed.
    public var requestTimeoutMilliseconds: Int64
    /// Attempts per client operation (the first included).
    public var requestAttemptsMax: Int
    /// Percent chance per step that an idle client starts an operation.
    public var clientOperationPercent: Int
    /// A crashed node stays down at least this long. Shorter than `downAfterMilliseconds` it
    /// comes back before it is declared down (its hello says it holds no data).
    public var restartDelayMinMilliseconds: Int64
    /// Simulated time the quiet phase may take to settle before that is a violation.
    public var settleMillisecondsMax: Int64
    /// The binaries a node can run, by path: a restart order names the binary to execute, and
    /// the build it runs is what the new process says in its hello.
    public var builds: [String: BuildInfo]
    /// What every node starts on (a key of `builds`).
    public var initialBinaryPath: String
    /// A node told to restart stops taking client operations and stops at the latest this long
    /// after the order, failing what is still in flight (the drain bound).
    public var drainMillisecondsMax: Int64
    /// A drained node's new process says hello this long after the old one stopped (in-place:
    /// the exec and start-up; external: the operator's or service manager's delay), at random
    /// in this range.
    public var restartDelayMillisecondsRange: ClosedRange<Int64>
    /// Multiplies the per-step chance of every random fault (1: the default rates).
    public var faultChanceScale: Int

    public init(seed: UInt64) {
        self.seed = seed
        vnodeCount = 16
        replicaCount = 3
        initialNodeCount = 3
        nodeCountMax = 5
        clientCount = 3
        keyCount = 24
        writeAckPolicy = .all
        dropPercent = 5
        duplicatePercent = 3
        delayMaxMilliseconds = 8
        stepMillisecondsMax = 6
        heartbeatIntervalMilliseconds = 500
        downAfterMilliseconds = 3_000
        transferTimeoutMilliseconds = 4_000
        requestTimeoutMilliseconds = 1_500
        requestAttemptsMax = 4
        clientOperationPercent = 30
        restartDelayMinMilliseconds = 500
        settleMillisecondsMax = 60_000
        builds = [Self.defaultBinaryPath: .current]
        initialBinaryPath = Self.defaultBinaryPath
        drainMillisecondsMax = 1_000
        restartDelayMillisecondsRange = 100...1_200
        faultChanceScale = 1
    }

    /// The path of this build's binary in the default `builds`.
    public static let defaultBinaryPath = "/opt/rondo-\(RondoVersion.current)"

    /// A build of `version` speaking what this build speaks (the simulated releases differ in
    /// their version only).
    public static func build(_ version: SemanticVersion) -> BuildInfo {
        BuildInfo(softwareVersion: version, protocolVersions: BuildInfo.current.protocolVersions, features: BuildInfo.current.features)
    }

    /// The replication limits every primary runs with: small windows and timeouts, so faults
    /// bite within a short run.
    var replication: ReplicationConfiguration {
        ReplicationConfiguration(
            writeAckPolicy: writeAckPolicy, logEntriesMax: 64, logAcknowledgedEntriesKept: 4, batchEntriesMax: 8, inFlightEntriesMax: 32,
            pendingWritesMax: 64, lagReportAfterMilliseconds: 300, writeTimeoutMilliseconds: 1_000,
            // No `batchCompression`: each node takes it from the cluster's feature gate.
            retransmitAfterMilliseconds: 60)
    }

    /// What every node's `ClusterNode` runs with: the replication and transfer limits above, a
    /// small transfer budget (small vnodes still finish within a second or so), a refused hello
    /// repeated after one heartbeat interval.
    var node: ClusterNodeConfiguration {
        ClusterNodeConfiguration(
            replication: replication, transferSource: transferSource, heartbeatIntervalMilliseconds: heartbeatIntervalMilliseconds,
            helloRetryAfterMilliseconds: heartbeatIntervalMilliseconds, transferConcurrency: 2, transferBytesPerSecond: 1 << 20,
            transferBurstBytes: 8 << 10, transferBatchesPerPumpMax: 4, parkedHellosMax: 4096)
    }

    var transferSource: TransferSourceConfiguration {
        TransferSourceConfiguration(batchBytesMax: 512, itemsPerExportStepMax: 4, exportStepsPerBatchMax: 16)
    }
}
