import NIOCore

/// Everything the node's network edge needs to know; the executable fills it from flags.
public struct NodeServerConfiguration: Sendable {
    public var host: String
    /// 0 asks the kernel for a free port; the bound port is logged and reported by `boundAddress`.
    public var port: Int
    public var threads: Int
    public var maxConnections: Int
    public var backlog: Int
    /// How long in-flight requests get to finish on shutdown before connections are force-closed.
    public var drainTimeout: TimeAmount
    /// How often the expiry sweep runs, and how many items one pass may examine.
    public var sweepInterval: TimeAmount
    public var sweepMaxItems: Int
    /// A listening socket inherited from the process this one replaced (an in-place restart):
    /// served instead of binding `host:port`. Validated with `ListeningSocket.adopt` first.
    public var inheritedListeningSocket: CInt?

    public init(
        host: String = "127.0.0.1",
        port: Int = 11211,
        threads: Int = System.coreCount,
        maxConnections: Int = 4096,
        backlog: Int = 1024,
        drainTimeout: TimeAmount = .seconds(10),
        sweepInterval: TimeAmount = .seconds(1),
        sweepMaxItems: Int = 20_000,
        inheritedListeningSocket: CInt? = nil
    ) {
        self.host = host
        self.port = port
        self.threads = threads
        self.maxConnections = maxConnections
        self.backlog = backlog
        self.drainTimeout = drainTimeout
        self.sweepInterval = sweepInterval
        self.sweepMaxItems = sweepMaxItems
        self.inheritedListeningSocket = inheritedListeningSocket
    }
}
