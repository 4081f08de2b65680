import ArgumentParser
import Logging
import NIOCore
import RondoCore
import RondoEngine
import RondoProtocol
import RondoServer
import RondoStorage
import ServiceLifecycle

extension EvictionPolicy: ExpressibleByArgument {}

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
        let server = NodeServer(
            configuration: NodeServerConfiguration(
                host: host,
                port: port,
                threads: threads,
                maxConnections: maxConnections,
                drainTimeout: .seconds(Int64(drainTimeout))
            ),
            engine: engine,
            store: store,
            counters: counters,
            limits: ProtocolLimits(maxItemBytes: storeConfiguration.maxItemBytes),
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
}
