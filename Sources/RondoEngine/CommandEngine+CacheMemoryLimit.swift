import NIOCore

extension CommandEngine {
    /// `cache_memlimit`, with memcached 1.6.18's bounds and replies. Lowering the limit below what
    /// is stored evicts nothing at once; later writes evict (lru) or are refused (none).
    func executeCacheMemoryLimit(megabytes: UInt64, noreply: Bool, into out: inout ByteBuffer) {
        let reply: StaticString
        if megabytes < 8 {
            reply = "MEMLIMIT_TOO_SMALL cannot set maxbytes to less than 8m"
        } else if megabytes > 1_000_000_000 {
            reply = "MEMLIMIT_ADJUST_FAILED input value is megabytes not bytes"
        } else {
            store.setMemoryLimit(bytes: Int(megabytes) << 20)
            reply = "OK"
        }
        if !noreply { out.writeLine(reply) }
    }
}
