import NIOCore
import RondoProtocol

/// What a cluster node's runtime provides to `ClusterServerHandler`: routing decisions, local
/// primary writes (with replication), forwarding, cluster-wide flush and the routing-table reply.
/// The handler keeps the memcached connection semantics (ordering, multi-get merging, back-pressure);
/// the runtime owns the routing table, replication and the peer transport.
///
/// Futures may be fulfilled on any event loop (the handler hops to its own). To fail one with a
/// reason the client should see, fail it with `GatewayFailure`; any other error becomes
/// `SERVER_ERROR request failed`. The runtime bounds every future in time (forward timeouts,
/// write-ack timeouts): the handler waits as long as they do.
public protocol ClusterRequestRouter: Sendable {
    /// Called on the connection's event loop for each key of a request, and must not block: a
    /// table lookup. `key` is the decoded key (base64 meta keys already decoded). `isWrite` is true
    /// for storage, delete, arithmetic, touch, `gat`/`gats` and `mg` with `T` or `N`.
    func route(key: ByteBuffer, isWrite: Bool) -> GatewayRoute

    /// A write (or a `gat` whose keys all have this node as primary) on a vnode this node is the
    /// primary of: execute it (engine + replication) and fulfil with its memcached reply bytes once
    /// the write-ack policy is met. For `noreply` requests the bytes are discarded.
    func executeLocalWrite(_ request: MemcachedRequest, eventLoop: any EventLoop) -> EventLoopFuture<ByteBuffer>

    /// Send `encodedRequest` (one complete memcached command, see `MemcachedRequest.encode(into:)`)
    /// to `destination` and fulfil with its reply bytes, relayed unchanged to the client. Retrying
    /// after a stale epoch or a moved vnode is the runtime's business.
    func forward(_ encodedRequest: ByteBuffer, to destination: GatewayDestination, eventLoop: any EventLoop) -> EventLoopFuture<ByteBuffer>

    /// The same forward for a caller running on `eventLoop`, answered through `completion`, which
    /// runs exactly once, on `eventLoop` (possibly before this returns). A runtime whose forwards
    /// complete on the caller's loop answers without a promise or future per request; the default
    /// goes through `forward(_:to:eventLoop:)`.
    func forward(
        _ encodedRequest: ByteBuffer, to destination: GatewayDestination, on eventLoop: any EventLoop,
        completion: @escaping (Result<ByteBuffer, any Error>) -> Void)

    /// `flush_all [delay]`: apply it on every member; fulfil once every member applied it.
    func flushAll(delay: Int64, eventLoop: any EventLoop) -> EventLoopFuture<Void>

    /// The complete `rondo_routing` reply (see `RoutingTableReply`), nil before the node has a table.
    func routingTableReply() -> ByteBuffer?
}

extension ClusterRequestRouter {
    public func forward(
        _ encodedRequest: ByteBuffer, to destination: GatewayDestination, on eventLoop: any EventLoop,
        completion: @escaping (Result<ByteBuffer, any Error>) -> Void
    ) {
        forward(encodedRequest, to: destination, eventLoop: eventLoop).hop(to: eventLoop).assumeIsolated().whenComplete(completion)
    }
}
