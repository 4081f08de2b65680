import NIOCore
import RondoProtocol

extension ChannelPipeline.SynchronousOperations {
    /// Adds the memcached text protocol to a child channel: one handler that decodes requests with
    /// `MemcachedRequestDecoder` (bounded by `limits`) and executes them with `engine`.
    public func addMemcachedServerHandlers(engine: CommandEngine, limits: ProtocolLimits) throws {
        try addHandler(MemcachedServerHandler(engine: engine, limits: limits))
    }
}
