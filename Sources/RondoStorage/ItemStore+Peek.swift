import NIOCore

/// A read for replication: the primary captures the state a write left behind without the read
/// counting as a client access.
extension ItemStore {
    /// The live item under `key` as replication carries it (value decompressed), or nil when the
    /// key is missing, expired or flushed. Unlike `get`, it neither bumps LRU, nor updates the last
    /// access, nor marks the item fetched, nor reclaims an expired item: it changes nothing.
    public func peek(_ key: ByteBuffer) -> ExportedItem? {
        let time = accessTime()
        let (vnode, hash) = locate(key)
        guard let fetched = withShard(ofVnode: vnode, { $0.peekItem(key, vnode: vnode, hash: hash, at: time) }) else { return nil }
        var item = fetched.item
        // A value that fails to decompress reads as a miss, as in `get` and `exportVnode`.
        guard let value = item.value.decodedStoredValue(isCompressed: fetched.isCompressed, maximumLength: configuration.maxItemBytes)
        else { return nil }
        item.value = value
        return item
    }
}

extension StoreShard {
    /// The live item under `key` in stored form; reads only.
    func peekItem(_ key: ByteBuffer, vnode: Int, hash: UInt64, at time: AccessTime) -> FetchedExport? {
        guard let index = slot(of: key, vnode: vnode, hash: hash), let slot = slots[index],
            slot.isLive(now: time.now, flushEpoch: time.flushEpoch)
        else { return nil }
        return FetchedExport(slot)
    }
}
