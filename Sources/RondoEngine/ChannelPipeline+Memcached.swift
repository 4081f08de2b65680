import NIOCore
import RondoProtocol

extension ChannelPipeline.SynchronousOperations {
    /// Adds the memcached text protocol to a child channel: byte counting, the request decoder and
    /// the handler that executes requests with `engine`.
    public func addMemcachedServerHandlers(engine: CommandEngine, limits: ProtocolLimits) throws {
        try addHandler(InboundByteCounter(counters: engine.counters))
        try addHandler(ByteToMessageHandler(MemcachedRequestDecoder(limits: limits)))
        try addHandler(MemcachedServerHandler(engine: engine))
    }
}
