import ArgumentParser
#if canImport(Glibc)
import Glibc
#endif
import Logging
import NIOCore
import NIOPosix
import RondoCluster
import RondoCoordinator
import RondoCore
import RondoEngine
import RondoNode
import RondoNodeRuntime
import RondoPeer
import RondoProtocol
import RondoServer
import RondoStorage
import ServiceLifecycle

extension EvictionPolicy: ExpressibleByArgument {}
extension WriteAckPolicy: ExpressibleByArgument {}

/// `rondo node`: one storage node speaking the memcached text protocol.
struct NodeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "node",
        abstract: "Run a storage node that speaks the memcached text protocol.",
        discussion: """
            Any memcached client can use the node unchanged (classic and meta text commands; \
            `version` reports the memcached release whose replies Rondo matches).

            SIGTERM or SIGINT stops the node gracefully: it stops accepting, answers the requests \
            it has already received, then exits; connections still open after --drain-timeout \
            are closed.

            With --coordinator the node joins a cluster (docs/operations.md): it needs --node-id \
            and --peer-port, and --vnodes must equal the cluster's. Any node then serves any key.

            During a rolling upgrade the coordinator may order the node to restart in place: it \
            drains its clients without closing its listening socket and re-executes the new binary \
            with its own arguments plus --inherit-listen-fd (internal), so that clients connecting \
            meanwhile wait in the backlog instead of being refused (docs/rolling-upgrade.md).
            """
    )

    @Option(help: "Address to listen on for memcached clients.")
    var host = "127.0.0.1"

    @Option(help: "TCP port for memcached clients (0 picks a free one; the log says which).")
    var port = 11211

    @Option(help: "Event-loop threads (default: one per core).")
    var threads = System.coreCount

    @Option(help: "Most simultaneous client connections; more are refused with memcached's error line.")
    var maxConnections = NodeServerConfiguration().maxConnections

    @Option(name: .customLong("memory-limit-mb"), help: "Memory for items, in MiB, counted on key + value + per-item overhead.")
    var memoryLimitMB = 1024

    @Option(help: "What to do when memory is full: 'none' refuses writes (SERVER_ERROR out of memory storing object), 'lru' evicts the least recently used items (cache mode).")
    var eviction: EvictionPolicy = .none

    @Option(help: "Largest item (key + value + overhead) accepted, in bytes or with k/m suffix (like memcached -I).")
    var maxItemSize = ByteSize(bytes: 1 << 20)

    @Option(help: "Store values of at least this many bytes LZ4-compressed, when that makes them smaller (off unless given).")
    var compressMinBytes: Int?

    @Option(help: "Number of vnodes the key space is divided into (a power of two); items are grouped by vnode.")
    var vnodes = VnodeCount.default.value

    @Option(help: "Seconds that in-flight requests get to finish on shutdown.")
    var drainTimeout = Int(NodeServerConfiguration().drainTimeout.nanoseconds / 1_000_000_000)

    @Option(help: "Log level: trace, debug, info, notice, warning, error, critical.")
    var logLevel: Logger.Level = .info

    @Option(help: "The coordinator's host:port. Without it the node is standalone and the cluster options are ignored.")
    var coordinator: String?

    @Option(help: "This node's unique name in the cluster (cluster mode; may be left out when --data-dir already names it).")
    var nodeID: String?

    @Option(
        help: ArgumentHelp(
            "Directory for what the node keeps across restarts (cluster mode): a lock (one node per directory), its identity, and the newest routing-table epoch it installed. Items stay in memory; a restarted node is refilled from its replicas. Created if missing.",
            valueName: "dir"))
    var dataDir: String?

    @Option(help: "TCP port for the other nodes (cluster mode), on --host.")
    var peerPort: Int?

    @Option(help: "The cluster's name; peers and the coordinator of another cluster are refused.")
    var clusterName = "rondo"

    @Option(help: "Copies a write needs before the client hears it succeeded: all, quorum or one.")
    var writeAck: WriteAckPolicy = .all

    @Option(help: "Outgoing vnode transfers this node runs at once.")
    var transferConcurrency = ClusterNodeConfiguration().transferConcurrency

    // The node's own ceiling under the coordinator's budget: by default the same as a new
    // cluster's whole budget, so that the coordinator's orders decide (a lower default silently
    // held every node to it: 1 MiB/s made a 5-node demo upgrade take ~7 minutes).
    @Option(help: "Bytes per second this node's outgoing transfers may send together (a ceiling under the coordinator's cluster-wide budget; default: that budget's default).")
    var transferBytesPerSecond = Int(TransferLimits.default.bytesPerSecond)

    @Option(help: "Uncompressed bytes per vnode transfer batch. Smaller batches hold the node's cluster loop for less time (lower latency for requests during a migration); larger ones cost less per byte.")
    var transferBatchBytes = TransferSourceConfiguration.batchBytesDefault

    @Option(help: "How outgoing vnode transfers travel: lz4 (smaller on the wire) or none (less CPU; for data LZ4 cannot shrink).")
    var transferCompression: TransferCompressionName = .lz4

    enum TransferCompressionName: String, ExpressibleByArgument, CaseIterable {
        case lz4, none

        var compression: ItemsCompression { self == .lz4 ? .lz4 : .none }
    }

    @Option(
        help: ArgumentHelp(
            "Internal (set by an in-place restart): serve this inherited listening TCP socket on --port instead of binding.",
            valueName: "fd"))
    var inheritListenFd: Int32?

    /// Test-only: the software version this node advertises, so that an upgrade test can restart
    /// a node on the same binary and see it come back on another version.
    static let versionOverrideVariable = "RONDO_TEST_VERSION_OVERRIDE"

    func validate() throws {
        guard (0...65535).contains(port) else { throw ValidationError("--port must be 0...65535") }
        guard (1...256).contains(threads) else { throw ValidationError("--threads must be 1...256") }
        guard (1...1_000_000).contains(maxConnections) else { throw ValidationError("--max-connections must be 1...1000000") }
        guard (1...(1 << 22)).contains(memoryLimitMB) else { throw ValidationError("--memory-limit-mb must be 1...4194304") }
        guard (1024...(1 << 30)).contains(maxItemSize.bytes) else { throw ValidationError("--max-item-size must be between 1k and 1g") }
        guard maxItemSize.bytes <= memoryLimitMB << 20 else { throw ValidationError("--max-item-size cannot exceed --memory-limit-mb") }
        if let c = compressMinBytes, c < 1 { throw ValidationError("--compress-min-bytes must be positive") }
        do { _ = try VnodeCount(vnodes) } catch { throw ValidationError("--vnodes: \(error)") }
        guard (0...3600).contains(drainTimeout) else { throw ValidationError("--drain-timeout must be 0...3600 seconds") }
        if let inheritListenFd {
            do { try ListeningSocket.adopt(inheritListenFd, port: port) } catch { throw ValidationError("--inherit-listen-fd: \(error)") }
        }
        _ = try advertisedBuild()
        guard let coordinator else {
            if dataDir != nil { throw ValidationError("--data-dir needs --coordinator (a standalone node keeps nothing across restarts)") }
            return
        }
        guard coordinatorAddress(coordinator) != nil else { throw ValidationError("--coordinator must be host:port") }
        if let nodeID {
            guard NodeID(nodeID) != nil else { throw ValidationError("--node-id must be 1...\(NodeID.bytesMax) bytes of letters, digits, '.', '-', '_'") }
        } else if dataDir == nil {
            throw ValidationError("--node-id is required with --coordinator unless --data-dir names the node")
        }
        if let dataDir, dataDir.isEmpty { throw ValidationError("--data-dir must not be empty") }
        guard let peerPort, (1...65535).contains(peerPort) else { throw ValidationError("--peer-port (1...65535) is required with --coordinator") }
        guard port != 0 else { throw ValidationError("--port 0 cannot be advertised to a cluster; give a port") }
        guard !clusterName.isEmpty, clusterName.utf8.count <= PeerProtocolLimits.clusterNameBytesMax else {
            throw ValidationError("--cluster-name must be 1...\(PeerProtocolLimits.clusterNameBytesMax) bytes")
        }
        guard (1...TransferScheduler.concurrencyMax).contains(transferConcurrency) else {
            throw ValidationError("--transfer-concurrency must be 1...\(TransferScheduler.concurrencyMax)")
        }
        guard (1...TransferThrottle.bytesPerSecondMax).contains(transferBytesPerSecond) else {
            throw ValidationError("--transfer-bytes-per-second must be 1...\(TransferThrottle.bytesPerSecondMax)")
        }
        guard (1024...TransferSourceConfiguration.batchBytesLimit).contains(transferBatchBytes) else {
            throw ValidationError("--transfer-batch-bytes must be 1024...\(TransferSourceConfiguration.batchBytesLimit)")
        }
    }

    /// This build, or with the test-only version override.
    private func advertisedBuild() throws -> BuildInfo {
        guard let text = getenv(Self.versionOverrideVariable).map({ String(cString: $0) }), !text.isEmpty else { return .current }
        guard let version = SemanticVersion(text) else {
            throw ValidationError("\(Self.versionOverrideVariable) must be MAJOR.MINOR.PATCH (test use only)")
        }
        let current = BuildInfo.current
        return BuildInfo(softwareVersion: version, protocolVersions: current.protocolVersions, features: current.features)
    }

    private func coordinatorAddress(_ text: String) -> (host: String, port: Int)? {
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]), (1...65535).contains(port) else {
            return nil
        }
        let host = String(text[..<colon])
        return host.isEmpty ? nil : (host, port)
    }

    func run() async throws {
        let logger = LoggingBootstrap.bootstrap(level: logLevel, label: "rondo.node")
        let clock = SystemClock()
        let storeConfiguration = StoreConfiguration(
            memoryLimitBytes: memoryLimitMB << 20,
            eviction: eviction,
            maxItemBytes: maxItemSize.bytes,
            vnodeCount: try VnodeCount(vnodes),
            compressMinBytes: compressMinBytes
        )
        let store = ItemStore(configuration: storeConfiguration, clock: clock)
        let counters = NodeCounters()
        let settings = EngineSettings(
            maxConnections: maxConnections,
            tcpPort: port,
            maxItemBytes: storeConfiguration.maxItemBytes,
            memoryLimitBytes: storeConfiguration.memoryLimitBytes,
            eviction: eviction,
            threads: threads
        )
        let engine = CommandEngine(store: store, clock: clock, settings: settings, counters: counters)
        let serverConfiguration = NodeServerConfiguration(
            host: host,
            port: port,
            threads: threads,
            maxConnections: maxConnections,
            drainTimeout: .seconds(Int64(drainTimeout)),
            inheritedListeningSocket: inheritListenFd
        )
        let limits = ProtocolLimits(maxItemBytes: storeConfiguration.maxItemBytes)
        if let coordinator, let address = coordinatorAddress(coordinator), let peerPort {
            let dataDirectory = try dataDir.map { path in
                do {
                    return try NodeDataDirectory(path: path, nodeID: nodeID.flatMap(NodeID.init), clusterName: clusterName)
                } catch {
                    throw ValidationError("\(error)")
                }
            }
            guard let nodeID = nodeID.flatMap(NodeID.init) ?? dataDirectory?.nodeID else {
                throw ValidationError("--node-id is required with --coordinator")
            }
            if let dataDirectory {
                logger.info(
                    "data directory opened",
                    metadata: [
                        "path": "\(dataDirectory.path)", "node": "\(nodeID)",
                        "previousTableEpoch": "\(dataDirectory.previousRun?.tableEpoch.map { "\($0)" } ?? "none")",
                    ])
            }
            try await runClusterNode(
                server: serverConfiguration, coordinator: address, nodeID: nodeID, peerPort: peerPort, dataDirectory: dataDirectory,
                store: store, engine: engine, counters: counters, limits: limits, logger: logger)
            return
        }
        let server = NodeServer(
            configuration: serverConfiguration,
            engine: engine,
            store: store,
            counters: counters,
            limits: limits,
            logger: logger
        )
        let group = ServiceGroup(
            configuration: .init(
                services: [.init(service: server)],
                gracefulShutdownSignals: [.sigterm, .sigint],
                logger: logger
            )
        )
        try await group.run()
    }

    /// Cluster mode: the client server and the cluster runtime share one event-loop group (the
    /// runtime's loop is one of it); the runtime routes every client connection.
    private func runClusterNode(
        server serverConfiguration: NodeServerConfiguration, coordinator: (host: String, port: Int), nodeID: NodeID, peerPort: Int,
        dataDirectory: NodeDataDirectory?, store: ItemStore, engine: CommandEngine, counters: NodeCounters, limits: ProtocolLimits, logger: Logger
    ) async throws {
        let eventLoops = MultiThreadedEventLoopGroup(numberOfThreads: max(1, threads))
        let nodeConfiguration = ClusterNodeConfiguration(
            replication: ReplicationConfiguration(writeAckPolicy: writeAck),
            transferSource: TransferSourceConfiguration(batchBytesMax: transferBatchBytes, compression: transferCompression.compression),
            transferConcurrency: transferConcurrency, transferBytesPerSecond: transferBytesPerSecond,
            previousRunTableEpoch: dataDirectory?.previousRun?.tableEpoch)
        let build = try advertisedBuild()
        let runtimeConfiguration = ClusterRuntimeConfiguration(
            nodeID: nodeID, clusterName: clusterName, host: host, peerPort: peerPort, coordinatorHost: coordinator.host,
            coordinatorPort: coordinator.port, vnodeCount: vnodes, node: nodeConfiguration, build: build, dataDirectory: dataDirectory)
        if runtimeConfiguration.build != .current {
            logger.warning(
                "advertising a test version override", metadata: ["variable": "\(Self.versionOverrideVariable)", "build": "\(runtimeConfiguration.build)"])
        }
        let port = self.port
        let restart = InPlaceRestart(arguments: CommandLine.arguments, logger: logger)
        let runtime = ClusterRuntime(
            configuration: runtimeConfiguration, loop: eventLoops.next(), store: store, engine: engine, logger: logger,
            clientPort: { port }, restartInPlace: { restart.requested(binaryPath: $0) })
        let server = NodeServer(
            configuration: serverConfiguration, engine: engine, store: store, counters: counters, limits: limits, logger: logger,
            group: eventLoops, installClientPipeline: runtime.clientPipelineInstaller(engine: engine, limits: limits))
        // After an in-place restart, clients wait in the inherited socket's backlog until the
        // node has a routing table, instead of getting `no routing table yet` errors.
        let clientServer: any Service =
            inheritListenFd == nil
            ? server : ServeAfterFirstTable(server: server, runtime: runtime, waitMax: .seconds(10), logger: logger)
        // Shutdown runs in reverse: the server drains its clients (whose writes still replicate
        // and whose forwards still need peers) before the runtime closes its sessions.
        let services = ServiceGroup(
            configuration: .init(
                // A runtime that must stop the node (a vnode-count mismatch) lets the server
                // drain its clients; the group then ends with the runtime's error.
                services: [.init(service: runtime, failureTerminationBehavior: .gracefullyShutdownGroup), .init(service: clientServer)],
                gracefulShutdownSignals: [.sigterm, .sigint],
                logger: logger
            )
        )
        restart.attach(server: server, services: services)
        do {
            try await services.run()
        } catch {
            try? await eventLoops.shutdownGracefully()
            throw error
        }
        try await eventLoops.shutdownGracefully()
        // Drained, sessions closed, event loops gone: become the new process.
        if let plan = restart.plan { try restart.replaceProcess(plan) }
    }
}
