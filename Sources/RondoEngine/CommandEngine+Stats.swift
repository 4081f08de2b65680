#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import NIOCore
import RondoProtocol
import RondoStorage

/// `stats` and its groups. Not a hot path: String formatting is fine here.
extension CommandEngine {
    func executeStats(_ group: StatsGroup, into out: inout ByteBuffer) {
        switch group {
        case .general: writeGeneralStats(into: &out)
        case .settings: writeSettingsStats(into: &out)
        case .items: writeItemStats(into: &out)
        case .slabs: writeSlabStats(into: &out)
        case .sizes:
            Self.writeStat("sizes_status", "disabled", into: &out)
        case .cachedump(let slabClass, let limit):
            writeCachedump(slabClass: slabClass, limit: limit, into: &out)
        case .reset:
            counters.reset()
            store.resetStats()
            out.writeLine("RESET")
            return
        }
        out.writeLine("END")
    }

    static func writeStat(_ name: String, _ value: String, into out: inout ByteBuffer) {
        out.writeStaticString("STAT ")
        out.writeString(name)
        out.writeInteger(UInt8(ascii: " "))
        out.writeString(value)
        out.writeCRLF()
    }

    static func writeStat(_ name: String, _ value: Int, into out: inout ByteBuffer) {
        writeStat(name, String(value), into: &out)
    }

    private func writeGeneralStats(into out: inout ByteBuffer) {
        let now = clock.nowSeconds()
        let storeStats = store.stats()
        let usage = Self.processCPUTime()
        let c = counters
        let lines: [(String, String)] = [
            ("pid", String(getpid())),
            ("uptime", String(now - startedAt)),
            ("time", String(now)),
            ("version", settings.version),
            ("pointer_size", String(MemoryLayout<UnsafeRawPointer>.size * 8)),
            ("rusage_user", usage.user),
            ("rusage_system", usage.system),
            ("max_connections", String(settings.maxConnections)),
            ("curr_connections", String(c.currentConnections.current)),
            ("total_connections", String(c.totalConnections.current)),
            ("rejected_connections", String(c.rejectedConnections.current)),
            ("connection_structures", String(c.currentConnections.current)),
            ("cmd_get", String(c.cmdGet.current)),
            ("cmd_set", String(c.cmdSet.current)),
            ("cmd_flush", String(c.cmdFlush.current)),
            ("cmd_touch", String(c.cmdTouch.current)),
            ("cmd_meta", String(c.cmdMeta.current)),
            ("get_hits", String(c.getHits.current)),
            ("get_misses", String(c.getMisses.current)),
            ("get_expired", "0"),
            ("get_flushed", "0"),
            ("delete_misses", String(c.deleteMisses.current)),
            ("delete_hits", String(c.deleteHits.current)),
            ("incr_misses", String(c.incrMisses.current)),
            ("incr_hits", String(c.incrHits.current)),
            ("decr_misses", String(c.decrMisses.current)),
            ("decr_hits", String(c.decrHits.current)),
            ("cas_misses", String(c.casMisses.current)),
            ("cas_hits", String(c.casHits.current)),
            ("cas_badval", String(c.casBadval.current)),
            ("touch_hits", String(c.touchHits.current)),
            ("touch_misses", String(c.touchMisses.current)),
            ("store_too_large", String(c.storeTooLarge.current)),
            ("store_no_memory", String(c.storeNoMemory.current)),
            ("bytes_read", String(c.bytesRead.current)),
            ("bytes_written", String(c.bytesWritten.current)),
            ("limit_maxbytes", String(storeStats.limitBytes)),
            ("accepting_conns", "1"),
            ("threads", String(settings.threads)),
            ("bytes", String(storeStats.bytes)),
            ("curr_items", String(storeStats.currentItems)),
            ("total_items", String(storeStats.totalItems)),
            ("expired_unfetched", String(storeStats.expiredUnfetched)),
            ("evicted_unfetched", String(storeStats.evictedUnfetched)),
            ("evictions", String(storeStats.evictions)),
            ("reclaimed", String(storeStats.reclaimed)),
        ]
        for (name, value) in lines { Self.writeStat(name, value, into: &out) }
    }

    private func writeSettingsStats(into out: inout ByteBuffer) {
        let lines: [(String, String)] = [
            ("maxbytes", String(store.memoryLimitBytes)),
            ("maxconns", String(settings.maxConnections)),
            ("tcpport", String(settings.tcpPort)),
            ("udpport", "0"),
            ("evictions", settings.eviction == .none ? "off" : "on"),
            ("num_threads", String(settings.threads)),
            ("cas_enabled", "yes"),
            ("binding_protocol", "ascii"),
            ("item_size_max", String(settings.maxItemBytes)),
            ("flush_enabled", "yes"),
            ("hash_algorithm", "fnv1a64-fmix64"),
        ]
        for (name, value) in lines { Self.writeStat(name, value, into: &out) }
    }

    /// Rondo has no slab classes: every item is reported under class 1, and only when the store
    /// holds items (memcached lists non-empty classes only).
    private func writeItemStats(into out: inout ByteBuffer) {
        let stats = store.stats()
        guard stats.currentItems > 0 else { return }
        let lines: [(String, Int)] = [
            ("number", stats.currentItems),
            ("evicted", stats.evictions),
            ("evicted_unfetched", stats.evictedUnfetched),
            ("expired_unfetched", stats.expiredUnfetched),
            ("reclaimed", stats.reclaimed),
            ("mem_requested", stats.bytes),
        ]
        for (name, value) in lines { Self.writeStat("items:1:" + name, value, into: &out) }
    }

    /// memcached's `ITEM <key> [<value bytes> b; <absolute expiry or 0> s]` lines. Every item is in
    /// pseudo class 1; a limit of 0 means memcached's "as many as fit", bounded here.
    private func writeCachedump(slabClass: UInt64, limit: UInt64, into out: inout ByteBuffer) {
        guard slabClass == 1 else { return }
        let count = limit == 0 ? Self.cachedumpItemsMax : min(Int(limit), Self.cachedumpItemsMax)
        for item in store.sampleItems(limit: count) {
            out.writeStaticString("ITEM ")
            out.writeImmutableBuffer(item.key)
            out.writeStaticString(" [")
            out.writeString(String(item.value.readableBytes))
            out.writeStaticString(" b; ")
            out.writeString(String(item.expiresAt))
            out.writeStaticString(" s]\r\n")
        }
    }

    static let cachedumpItemsMax = 10_000

    /// The single pseudo slab class of `stats items`, with the store's byte total.
    private func writeSlabStats(into out: inout ByteBuffer) {
        let stats = store.stats()
        if stats.currentItems > 0 {
            Self.writeStat("1:used_chunks", stats.currentItems, into: &out)
        }
        Self.writeStat("active_slabs", stats.currentItems > 0 ? 1 : 0, into: &out)
        Self.writeStat("total_malloced", stats.bytes, into: &out)
    }

    /// User and system CPU seconds of the process, formatted as memcached does (`%ld.%06ld`).
    private static func processCPUTime() -> (user: String, system: String) {
        var usage = rusage()
        #if os(Linux)
        let who = Int32(RUSAGE_SELF.rawValue)
        #else
        let who = RUSAGE_SELF
        #endif
        guard getrusage(who, &usage) == 0 else { return ("0.000000", "0.000000") }
        func format(_ time: timeval) -> String {
            let micros = String(Int(time.tv_usec))
            return "\(time.tv_sec)." + String(repeating: "0", count: max(0, 6 - micros.count)) + micros
        }
        return (format(usage.ru_utime), format(usage.ru_stime))
    }
}
