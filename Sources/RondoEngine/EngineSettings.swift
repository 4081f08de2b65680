import RondoCore
import RondoStorage

/// What the engine reports about the node's configuration (`version`, `stats`, `stats settings`).
/// The server fills it from its configuration; the engine enforces none of it.
public struct EngineSettings: Sendable {
    public var version: String
    public var maxConnections: Int
    public var tcpPort: Int
    public var maxItemBytes: Int
    public var memoryLimitBytes: Int
    public var eviction: EvictionPolicy
    public var threads: Int

    public init(
        version: String = RondoVersion.memcachedVersionReply,
        maxConnections: Int = 1024,
        tcpPort: Int = 11211,
        maxItemBytes: Int = 1 << 20,
        memoryLimitBytes: Int = 64 << 20,
        eviction: EvictionPolicy = .lru,
        threads: Int = 4
    ) {
        self.version = version
        self.maxConnections = maxConnections
        self.tcpPort = tcpPort
        self.maxItemBytes = maxItemBytes
        self.memoryLimitBytes = memoryLimitBytes
        self.eviction = eviction
        self.threads = threads
    }
}
