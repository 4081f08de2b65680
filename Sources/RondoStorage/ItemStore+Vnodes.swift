import NIOCore
import RondoCore

/// Vnode grouping: placement of keys, per-vnode counts, drop, export and import.
extension ItemStore {
    /// The vnode a key falls in (VnodeHash over the key bytes).
    public func vnode(of key: ByteBuffer) -> Int {
        let hash = key.withUnsafeReadableBytes { VnodeHash.hash($0) }
        return VnodeHash.vnode(ofHash: hash, vnodeCount: configuration.vnodeCount)
    }

    /// The key's vnode and its seeded index hash, from one pass over the key's bytes.
    @inline(__always)
    func locate(_ key: ByteBuffer) -> (vnode: Int, hash: UInt64) {
        let hashes = key.withUnsafeReadableBytes { VnodeHash.hashes($0, seed: keyHashSeed) }
        return (VnodeHash.vnode(ofHash: hashes.vnodeHash, vnodeCount: configuration.vnodeCount), hashes.seededHash)
    }

    private func isVnode(_ vnode: Int) -> Bool {
        vnode >= 0 && vnode < configuration.vnodeCount.value
    }

    /// Items held for the vnode, including expired ones not yet reclaimed; 0 for a vnode out of range.
    public func itemCount(inVnode vnode: Int) -> Int {
        guard isVnode(vnode) else { return 0 }
        return withShard(ofVnode: vnode) { $0.vnodes[$0.vnodeIndex(vnode)].count }
    }

    /// Accounted bytes (key + value + per-item overhead, as the memory limit counts them) of the
    /// items held for the vnode, including expired ones not yet reclaimed; O(1). 0 for a vnode out
    /// of range.
    public func bytes(inVnode vnode: Int) -> Int {
        guard isVnode(vnode) else { return 0 }
        return withShard(ofVnode: vnode) { $0.vnodes[$0.vnodeIndex(vnode)].bytes }
    }

    /// Drops every item of one vnode in time proportional to that vnode's item count.
    public func dropVnode(_ vnode: Int) {
        guard isVnode(vnode) else { return }
        withShard(ofVnode: vnode) { $0.dropVnode(vnode) }
    }

    /// Drops up to `maxItems` (at least 1) of one vnode's items under its shard's lock: how many,
    /// and whether the vnode is empty now. A node drops a released copy in such steps so that
    /// neither its loop nor the shard's lock is held for the whole vnode (a 1.7 MB copy took ~3 ms
    /// in one go). A vnode out of range is empty.
    public func dropVnodeStep(_ vnode: Int, maxItems: Int) -> (dropped: Int, isEmpty: Bool) {
        guard isVnode(vnode) else { return (0, true) }
        return withShard(ofVnode: vnode) { $0.dropVnodeStep(vnode, maxItems: max(1, maxItems)) }
    }

    /// One step of exporting a vnode's live items (replication, migration): up to `maxItems` items
    /// after `cursor` (nil = from the start) and the cursor to continue with, nil when done.
    /// Values are decompressed. Items present for the whole export are returned at least once;
    /// items added or changed meanwhile may or may not be, so a migration forwards concurrent writes.
    /// A step examines at most `4 * maxItems` member positions, so it may return fewer items than
    /// `maxItems` (even none) with a non-nil cursor.
    /// Up to `limit` live items, vnode by vnode: what `stats cachedump` lists. Debug use only: it
    /// copies what it returns.
    public func sampleItems(limit: Int) -> [ExportedItem] {
        var sample: [ExportedItem] = []
        var vnode = 0
        while sample.count < limit, vnode < configuration.vnodeCount.value {
            sample += exportVnode(vnode, maxItems: limit - sample.count).items
            vnode += 1
        }
        return sample
    }

    public func exportVnode(_ vnode: Int, after cursor: VnodeExportCursor? = nil, maxItems: Int)
        -> (items: [ExportedItem], next: VnodeExportCursor?)
    {
        guard isVnode(vnode), maxItems > 0 else { return ([], nil) }
        let time = accessTime()
        let step = withShard(ofVnode: vnode) { $0.exportStep(vnode: vnode, after: cursor, maxItems: maxItems, at: time) }
        var items: [ExportedItem] = []
        items.reserveCapacity(step.items.count)
        for fetched in step.items {
            var item = fetched.item
            // A value that fails to decompress is left out, like a miss.
            guard let value = item.value.decodedStoredValue(isCompressed: fetched.isCompressed, maximumLength: configuration.maxItemBytes)
            else { continue }
            item.value = value
            items.append(item)
        }
        return (items, step.next)
    }

    /// Stores an item from another node keeping its CAS, expiry, flags and stale mark; replaces a
    /// present item unconditionally. Later local modifications get CAS values above the imported one.
    public func importItem(_ item: ExportedItem) -> StoreOutcome {
        guard Self.itemBytes(keyBytes: item.key.readableBytes, valueBytes: item.value.readableBytes) <= configuration.maxItemBytes else {
            return .tooLarge
        }
        casSequence.raise(toAtLeast: item.cas)
        let time = accessTime()
        let (vnode, hash) = locate(item.key)
        let form = StoredForm(key: item.key, value: item.value, compressMinBytes: configuration.compressMinBytes)
        guard form.accountedBytes <= memory.limitBytes else { return .outOfMemory }
        return withMemory(ofVnode: vnode, at: time, outOfMemory: StoreOutcome.outOfMemory) {
            $0.importItem(item, form: form, vnode: vnode, hash: hash, at: time)
        }
    }
}
