import ArgumentParser
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Logging
import NIOCore
import RondoCoordinator
import RondoCoordinatorServer
import RondoCore
import RondoPeer
import RondoRing
import ServiceLifecycle

/// `rondo coordinator`: the cluster's control plane.
struct CoordinatorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "coordinator",
        abstract: "Run the cluster coordinator (membership, routing tables, transfers).",
        discussion: """
            Nodes and `rondo ctl` connect to it with the peer protocol. Its state (members, the \
            routing table, pending copies) is written atomically to STATE-DIR/coordinator.state \
            before anything that depends on it is sent. On start an existing state file is \
            resumed: the coordinator waits until every live member said hello again, or \
            --down-after-ms passed, then continues at the persisted epoch or above. A state file \
            that does not decode stops the coordinator with an error; it is never ignored.

            SIGTERM or SIGINT stops it gracefully.
            """
    )

    @Option(help: "Address to listen on for nodes and ctl sessions.")
    var host = "127.0.0.1"

    @Option(help: "TCP port of the peer listener (0 picks a free one; the log says which).")
    var port = 7000

    @Option(help: "Directory holding coordinator.state (created if missing).")
    var stateDir: String

    @Option(help: "Copies of every vnode (1...\(RingLimits.replicaCountMax)) for a new cluster; a resumed cluster keeps its own.")
    var replicas = 3

    @Option(help: "Number of vnodes (a power of two) for a new cluster; a resumed cluster keeps its own.")
    var vnodes = VnodeCount.default.value

    @Option(help: "Cluster name nodes must present in their Hello; a resumed cluster keeps its own.")
    var clusterName = "rondo"

    @Option(help: "A member silent for this many milliseconds is declared down; also the recovery window after a restart.")
    var downAfterMs = 3_000

    @Option(help: "Transfers a node takes part in at once, as source or target (default: the persisted value, 2 for a new cluster).")
    var transferConcurrency: Int?

    @Option(help: "Cluster-wide transfer budget in bytes per second (default: the persisted value, 64 MiB/s for a new cluster).")
    var transferBytesPerSecond: UInt64?

    @Option(help: "Log level: trace, debug, info, notice, warning, error, critical.")
    var logLevel: Logger.Level = .info

    func validate() throws {
        guard (0...65535).contains(port) else { throw ValidationError("--port must be 0...65535") }
        guard (1...RingLimits.replicaCountMax).contains(replicas) else { throw ValidationError("--replicas must be 1...\(RingLimits.replicaCountMax)") }
        do { _ = try VnodeCount(vnodes) } catch { throw ValidationError("--vnodes: \(error)") }
        guard !clusterName.isEmpty, clusterName.utf8.count <= PeerProtocolLimits.clusterNameBytesMax else {
            throw ValidationError("--cluster-name must be 1...\(PeerProtocolLimits.clusterNameBytesMax) bytes")
        }
        guard (100...3_600_000).contains(downAfterMs) else { throw ValidationError("--down-after-ms must be 100...3600000") }
        if let concurrency = transferConcurrency, !(1...TransferLimits.concurrencyPerNodeMax).contains(concurrency) {
            throw ValidationError("--transfer-concurrency must be 1...\(TransferLimits.concurrencyPerNodeMax)")
        }
        if let rate = transferBytesPerSecond, rate == 0 { throw ValidationError("--transfer-bytes-per-second must be positive") }
    }

    func run() async throws {
        let logger = LoggingBootstrap.bootstrap(level: logLevel, label: "rondo.coordinator")
        try createDirectory(stateDir)
        let configuration = CoordinatorServerConfiguration(
            host: host, port: port, stateDirectory: stateDir, clusterName: clusterName, replicaCount: replicas,
            vnodeCount: try VnodeCount(vnodes),
            coordinator: CoordinatorConfiguration(localNodeID: NodeID("coordinator")!, downAfterMilliseconds: Int64(downAfterMs)),
            transferConcurrencyPerNode: transferConcurrency, transferBytesPerSecond: transferBytesPerSecond)
        let server = CoordinatorServer(configuration: configuration, logger: logger)
        let group = ServiceGroup(
            configuration: .init(
                services: [.init(service: server)],
                gracefulShutdownSignals: [.sigterm, .sigint],
                logger: logger
            )
        )
        do {
            try await group.run()
        } catch {
            // A corrupt state file, a port in use, a disk that refuses writes: say it plainly.
            logger.critical("coordinator failed", metadata: ["error": "\(error)"])
            FileHandleOutput.standardError("rondo coordinator: \(error)")
            throw ExitCode.failure
        }
    }

    private func createDirectory(_ path: String) throws {
        guard mkdir(path, 0o700) == 0 || errno == EEXIST else {
            throw ValidationError("--state-dir \(path): cannot create it: \(String(cString: strerror(errno)))")
        }
    }
}
