import NIOCore

/// Whole-vnode operations, each in time proportional to the vnode's own items.
extension StoreShard {
    /// How many member positions one export step may examine per item it is allowed to return:
    /// bounds the work spent skipping tombstones and expired items.
    static let exportScanFactor = 4

    mutating func dropVnode(_ vnode: Int) {
        let local = vnodeIndex(vnode)
        for index in vnodes[local].members where index != VnodeItems.tombstone {
            removeFromLRU(index)
            memory.release(slots[index]!.accountedBytes)
            slots[index] = nil
            freeSlots.append(index)
            itemCount -= 1
        }
        startNewGeneration(ofVnodeIndex: local)
    }

    /// An emptied vnode's fresh item list; the new generation sends export cursors of the old one
    /// back to the start.
    private mutating func startNewGeneration(ofVnodeIndex local: Int) {
        let generation = vnodes[local].generation &+ 1
        vnodes[local] = VnodeItems()
        vnodes[local].generation = generation
    }

    /// Drops up to `maxItems` of the vnode's items, newest members first: how many, and whether
    /// none is left (then the vnode starts a new generation, as after `dropVnode`). Unlinking from
    /// the end of the member list never leaves tombstones behind or triggers a compaction.
    mutating func dropVnodeStep(_ vnode: Int, maxItems: Int) -> (dropped: Int, isEmpty: Bool) {
        let local = vnodeIndex(vnode)
        var dropped = 0
        while dropped < maxItems, let last = vnodes[local].members.last {
            guard last != VnodeItems.tombstone else {
                vnodes[local].members.removeLast()
                vnodes[local].tombstones -= 1
                continue
            }
            unlink(last)
            dropped += 1
        }
        guard vnodes[local].members.isEmpty else { return (dropped, false) }
        startNewGeneration(ofVnodeIndex: local)
        return (dropped, true)
    }

    /// Up to `maxItems` live items in stored form, from the cursor on.
    func exportStep(vnode: Int, after cursor: VnodeExportCursor?, maxItems: Int, at time: AccessTime)
        -> (items: [FetchedExport], next: VnodeExportCursor?)
    {
        let items = vnodes[vnodeIndex(vnode)]
        var position = cursor.flatMap { $0.generation == items.generation ? $0.position : nil } ?? 0
        var exported: [FetchedExport] = []
        exported.reserveCapacity(min(maxItems, items.count))
        var scanBudget = min(maxItems, Int.max / Self.exportScanFactor) * Self.exportScanFactor
        while position < items.members.count, exported.count < maxItems, scanBudget > 0 {
            let index = items.members[position]
            position += 1
            scanBudget -= 1
            guard index != VnodeItems.tombstone, let slot = slots[index],
                slot.isLive(now: time.now, flushEpoch: time.flushEpoch)
            else { continue }
            exported.append(FetchedExport(slot))
        }
        let next = position < items.members.count ? VnodeExportCursor(generation: items.generation, position: position) : nil
        return (exported, next)
    }
}

/// An exported item with its value still in stored form (decompressed outside the lock).
struct FetchedExport: Sendable {
    var item: ExportedItem
    var isCompressed: Bool

    /// The slot's item with its value still in stored form.
    init(_ slot: ItemSlot) {
        item = ExportedItem(
            key: slot.form.key, value: slot.form.storedValue, flags: slot.flags,
            expiresAt: slot.expiresAt, cas: slot.cas, isStale: slot.isStale)
        isCompressed = slot.form.isCompressed
    }
}
