import NIOCore
import RondoEngine
import RondoProtocol

extension ChannelPipeline.SynchronousOperations {
    /// Adds the cluster-mode memcached front end to a child channel (see `ClusterServerHandler`).
    public func addClusterServerHandlers(
        engine: CommandEngine, router: any ClusterRequestRouter, limits: ProtocolLimits,
        maxWaitingReplies: Int = ClusterServerHandler.defaultMaxWaitingReplies
    ) throws {
        try addHandler(ClusterServerHandler(engine: engine, router: router, limits: limits, maxWaitingReplies: maxWaitingReplies))
    }
}
