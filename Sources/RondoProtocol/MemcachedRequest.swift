import NIOCore

/// One decoded request of the memcached text protocol. Keys and values are slices of the receive
/// buffer. Requests that memcached answers with an error but that leave the connection usable decode
/// as `.error`, which the engine turns into the reply.
public enum MemcachedRequest: Sendable, Equatable {
    case retrieve(RetrievalRequest)
    case store(StorageRequest)
    case delete(key: ByteBuffer, noreply: Bool)
    case arithmetic(ArithmeticRequest)
    case touch(key: ByteBuffer, exptime: Int64, noreply: Bool)
    /// `flush_all [delay] [noreply]`; delay 0 when absent.
    case flushAll(delay: Int64, noreply: Bool)
    case version
    case verbosity(noreply: Bool)
    /// `cache_memlimit <megabytes> [noreply]`: change the memory limit at run time.
    case cacheMemoryLimit(megabytes: UInt64, noreply: Bool)
    case stats(StatsGroup)
    case quit
    /// `rondo_routing`: a cluster node's routing table for routing-aware clients. A standalone node
    /// answers `ERROR`, as memcached does for a command it does not know (see docs/protocol.md).
    case routingTable
    case metaGet(MetaRequest)
    case metaSet(MetaRequest, value: ByteBuffer)
    case metaDelete(MetaRequest)
    case metaArithmetic(MetaRequest)
    case metaDebug(MetaRequest)
    case metaNoOp
    /// A recoverable error. `noreply` mirrors memcached, which suppresses the error of a storage or
    /// arithmetic line that ends in `noreply`.
    case error(RequestError, noreply: Bool)
}
