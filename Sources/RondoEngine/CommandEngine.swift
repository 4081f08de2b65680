import NIOCore
import RondoCore
import RondoProtocol
import RondoStorage

/// Executes decoded memcached requests against the node's `ItemStore` and writes memcached-1.6-exact
/// replies. Stateless per connection and thread-safe: one engine serves every event loop.
public final class CommandEngine: Sendable {
    let store: ItemStore
    let clock: any ServerClock
    public let settings: EngineSettings
    public let counters: NodeCounters
    /// For `stats uptime`.
    let startedAt: Int64

    public init(store: ItemStore, clock: any ServerClock, settings: EngineSettings, counters: NodeCounters) {
        self.store = store
        self.clock = clock
        self.settings = settings
        self.counters = counters
        self.startedAt = clock.nowSeconds()
    }

    /// Executes one request, appending its reply (if any) to `out`.
    public func execute(_ request: MemcachedRequest, into out: inout ByteBuffer) -> EngineDisposition {
        switch request {
        case .retrieve(let retrieval):
            executeRetrieval(retrieval, into: &out)
        case .store(let storage):
            executeStorage(storage, into: &out)
        case .delete(let key, let noreply):
            executeDelete(key: key, noreply: noreply, into: &out)
        case .arithmetic(let arithmetic):
            executeArithmetic(arithmetic, into: &out)
        case .touch(let key, let exptime, let noreply):
            executeTouch(key: key, exptime: exptime, noreply: noreply, into: &out)
        case .flushAll(let delay, let noreply):
            executeFlushAll(delay: delay, noreply: noreply, into: &out)
        case .version:
            out.writeStaticString("VERSION ")
            out.writeString(settings.version)
            out.writeCRLF()
        case .verbosity(let noreply):
            if !noreply { out.writeLine("OK") }
        case .cacheMemoryLimit(let megabytes, let noreply):
            executeCacheMemoryLimit(megabytes: megabytes, noreply: noreply, into: &out)
        case .stats(let group):
            executeStats(group, into: &out)
        case .quit:
            return .close
        case .routingTable:
            // Only a cluster node has a routing table (`ClusterServerHandler` answers it); a
            // standalone node behaves like memcached, which does not know the command.
            out.writeLine(RequestError.unknownCommand.replyLine)
        case .metaGet(let meta):
            executeMetaGet(meta, into: &out)
        case .metaSet(let meta, let value):
            executeMetaSet(meta, value: value, into: &out)
        case .metaDelete(let meta):
            executeMetaDelete(meta, into: &out)
        case .metaArithmetic(let meta):
            executeMetaArithmetic(meta, into: &out)
        case .metaDebug(let meta):
            executeMetaDebug(meta, into: &out)
        case .metaNoOp:
            out.writeLine("MN")
        case .error(let error, let noreply):
            if !noreply { out.writeLine(error.replyLine) }
        }
        return .continue
    }

    @inline(__always)
    func absoluteExpiry(_ exptime: Int64) -> Int64 {
        exptime == 0 ? 0 : MemcachedExpiry.absolute(exptime, now: clock.nowSeconds())
    }
}
