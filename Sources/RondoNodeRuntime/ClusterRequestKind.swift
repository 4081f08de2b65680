import NIOCore
import RondoProtocol

/// How the runtime treats one decoded memcached request that reached it outside the client
/// connection's own routing: a forwarded request, or a local write. The classification matches
/// `ClusterServerHandler`'s (writes change the vnode and must run on its primary).
enum ClusterRequestKind: Equatable {
    /// Reads of these keys: served by any node holding a copy of their vnodes.
    case read(keys: [ByteBuffer])
    /// Writes to these keys: only the primary of their vnodes applies them.
    case write(keys: [ByteBuffer])
    /// `flush_all` between nodes: this node alone applies it (the entry node sent it to every
    /// member).
    case flushLocally
    /// Keyless requests (version, stats, errors): answered by the local engine.
    case keyless

    init(_ request: MemcachedRequest) {
        switch request {
        case .retrieve(let retrieval):
            let keys = Array(retrieval.keys)
            self = retrieval.touches ? .write(keys: keys) : .read(keys: keys)
        case .store(let storage): self = .write(keys: [storage.key])
        case .delete(let key, _): self = .write(keys: [key])
        case .arithmetic(let arithmetic): self = .write(keys: [arithmetic.key])
        case .touch(let key, _, _): self = .write(keys: [key])
        case .metaGet(let meta):
            // `T` updates the TTL and `N` creates the item on a miss: both change the vnode.
            let isWrite = meta.flags.contains("T") || meta.flags.contains("N")
            self = isWrite ? .write(keys: [meta.key]) : .read(keys: [meta.key])
        case .metaSet(let meta, _), .metaDelete(let meta), .metaArithmetic(let meta): self = .write(keys: [meta.key])
        case .metaDebug(let meta): self = .read(keys: [meta.key])
        case .flushAll: self = .flushLocally
        case .version, .verbosity, .cacheMemoryLimit, .stats, .quit, .routingTable, .metaNoOp, .error: self = .keyless
        }
    }
}
