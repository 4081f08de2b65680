import Logging
import NIOConcurrencyHelpers
import NIOCore
import RondoCore
import RondoPeer

/// One `PeerClient` per remote node (NodeID → host:peerPort), for a node's connections to its
/// peers. Events carry the remote's id. Every method may be called from any thread; the pool's
/// own map is guarded by a lock, each client's state lives on its event loop.
public final class PeerConnectionPool: Sendable {
    private let group: any EventLoopGroup
    private let configuration: PeerClient.Configuration
    private let logger: Logger
    private let hello: @Sendable () -> Hello
    private let onEvent: @Sendable (NodeID, PeerClientEvent) -> Void
    private let clients = NIOLockedValueBox<[NodeID: PeerClient]>([:])

    /// `hello` is asked at every connection attempt to any remote.
    public init(
        group: any EventLoopGroup, configuration: PeerClient.Configuration = PeerClient.Configuration(), logger: Logger,
        hello: @escaping @Sendable () -> Hello, onEvent: @escaping @Sendable (NodeID, PeerClientEvent) -> Void
    ) {
        self.group = group
        self.configuration = configuration
        self.logger = logger
        self.hello = hello
        self.onEvent = onEvent
    }

    /// Connects to `node` at host:port, or points an existing client there for its next attempt.
    public func connect(_ node: NodeID, host: String, port: Int) {
        let created: PeerClient? = clients.withLockedValue { clients in
            if let existing = clients[node] {
                existing.updateAddress(host: host, port: port)
                return nil
            }
            let onEvent = self.onEvent
            let client = PeerClient(
                host: host, port: port, eventLoop: group.next(), configuration: configuration, logger: logger,
                hello: hello, onEvent: { event in onEvent(node, event) })
            clients[node] = client
            return client
        }
        created?.start()
    }

    /// Sends to `node`; false when the pool has no client for it (the message is dropped).
    @discardableResult
    public func send<Message: PeerMessage>(_ message: Message, to node: NodeID) -> Bool {
        guard let client = clients.withLockedValue({ $0[node] }) else { return false }
        client.send(message)
        return true
    }

    public var nodes: Set<NodeID> { clients.withLockedValue { Set($0.keys) } }

    /// Closes the connection to `node` and forgets it.
    public func disconnect(_ node: NodeID) -> EventLoopFuture<Void>? {
        clients.withLockedValue { $0.removeValue(forKey: node) }?.close()
    }

    /// Closes every connection.
    public func close() async {
        let all = clients.withLockedValue { clients in
            defer { clients.removeAll() }
            return Array(clients.values)
        }
        for client in all { try? await client.close().get() }
    }
}
