import NIOCore

/// The memcached operations on one shard's items.
extension StoreShard {
    mutating func fetch(_ key: ByteBuffer, vnode: Int, hash: UInt64, newExpiresAt: Int64?, bumpLRU: Bool, at time: AccessTime) -> FetchedItem? {
        guard let index = liveSlot(key, vnode: vnode, hash: hash, at: time) else { return nil }
        // In place: copying the whole slot out first cost a value-witness copy on every hit.
        let fetched = Self.markFetched(&slots[index]!, newExpiresAt: newExpiresAt, now: time.now)
        if bumpLRU {
            bump(index, at: time)
        }
        return fetched
    }

    /// The item as read (its state before this fetch), then marks it fetched at `now`.
    private static func markFetched(_ slot: inout ItemSlot, newExpiresAt: Int64?, now: Int64) -> FetchedItem {
        let view = ItemView(
            flags: slot.flags, expiresAt: newExpiresAt ?? slot.expiresAt, cas: slot.cas,
            value: slot.form.storedValue, lastAccess: slot.lastAccess, fetchedBefore: slot.fetched,
            isStale: slot.isStale)
        slot.fetched = true
        slot.lastAccess = now
        if let newExpiresAt {
            slot.expiresAt = newExpiresAt
        }
        return FetchedItem(view: view, isCompressed: slot.form.isCompressed)
    }

    /// Removes an item whose stored bytes failed to decode, unless it changed since it was read.
    mutating func dropCorrupt(_ key: ByteBuffer, vnode: Int, hash: UInt64, cas: UInt64) {
        guard let index = slot(of: key, vnode: vnode, hash: hash), slots[index]!.cas == cas else { return }
        unlink(index)
    }

    mutating func store(
        _ key: ByteBuffer, write: StoreWrite, flags: UInt32, expiresAt: Int64, compareCAS: UInt64?,
        vnode: Int, hash: UInt64, at time: AccessTime
    ) -> ShardResult<StoreOutcome> {
        let existing = liveSlot(key, vnode: vnode, hash: hash, at: time)
        if let compareCAS {
            guard let existing else { return .done(.notFound) }
            guard slots[existing]!.cas == compareCAS else { return .done(.exists) }
        }
        let form: StoredForm
        var flags = flags
        var expiresAt = expiresAt
        switch write {
        case .set(let prepared):
            form = prepared
        case .add(let prepared):
            if let existing {
                // memcached bumps the item an add collided with: it is evidently in demand.
                bump(existing, at: time)
                return .done(.notStored)
            }
            form = prepared
        case .replace(let prepared):
            guard existing != nil else { return .done(.notStored) }
            form = prepared
        case .append(let addition), .prepend(let addition):
            guard let existing else { return .done(.notStored) }
            guard let current = decodedValue(of: existing) else {
                // Corrupt stored bytes count as a miss; the item goes.
                unlink(existing)
                return .done(.notStored)
            }
            guard let combined = combinedForm(key, current: current, addition: addition, appending: write.isAppend) else {
                return .done(.tooLarge)
            }
            form = combined
            flags = slots[existing]!.flags
            expiresAt = slots[existing]!.expiresAt
        }
        switch commit(form, flags: flags, expiresAt: expiresAt, replacing: existing, vnode: vnode, hash: hash, at: time) {
        case .done(let cas): return .done(.stored(cas: cas))
        case .needsMemory(let bytes): return .needsMemory(bytes: bytes)
        }
    }

    /// The stored form of an append or prepend; nil when the result exceeds the item size limit.
    private func combinedForm(_ key: ByteBuffer, current: ByteBuffer, addition: ByteBuffer, appending: Bool) -> StoredForm? {
        let combinedBytes = current.readableBytes + addition.readableBytes
        guard ItemStore.itemBytes(keyBytes: key.readableBytes, valueBytes: combinedBytes) <= configuration.maxItemBytes else {
            return nil
        }
        var combined = ByteBufferAllocator().buffer(capacity: combinedBytes)
        combined.writeImmutableBuffer(appending ? current : addition)
        combined.writeImmutableBuffer(appending ? addition : current)
        return StoredForm(key: key, value: combined, compressMinBytes: configuration.compressMinBytes)
    }

    mutating func delete(_ key: ByteBuffer, compareCAS: UInt64?, invalidate: Bool, vnode: Int, hash: UInt64, at time: AccessTime) -> DeleteOutcome {
        guard let index = liveSlot(key, vnode: vnode, hash: hash, at: time) else { return .notFound }
        if let compareCAS, slots[index]!.cas != compareCAS { return .exists }
        if invalidate {
            slots[index]!.isStale = true
            slots[index]!.cas = casSequence.next()
        } else {
            unlink(index)
        }
        return .deleted
    }

    mutating func arithmetic(
        _ key: ByteBuffer, delta: UInt64, increment: Bool, compareCAS: UInt64?,
        autoCreate: (initial: UInt64, expiresAt: Int64)?, newExpiresAt: Int64?, vnode: Int, hash: UInt64, at time: AccessTime
    ) -> ShardResult<ArithmeticOutcome> {
        guard let existing = liveSlot(key, vnode: vnode, hash: hash, at: time) else {
            guard let autoCreate, compareCAS == nil else { return .done(.notFound) }
            return storeNumber(
                autoCreate.initial, paddedTo: 0, key: key, flags: 0, expiresAt: autoCreate.expiresAt, replacing: nil,
                vnode: vnode, hash: hash, at: time)
        }
        if let compareCAS, slots[existing]!.cas != compareCAS { return .done(.exists) }
        guard let current = decodedValue(of: existing) else {
            unlink(existing)
            return .done(.notFound)
        }
        guard let number = DecimalNumber.parse(current) else { return .done(.nonNumeric) }
        let result = increment ? number &+ delta : (number >= delta ? number - delta : 0)
        return storeNumber(
            result, paddedTo: current.readableBytes, key: key, flags: slots[existing]!.flags, expiresAt: newExpiresAt ?? slots[existing]!.expiresAt,
            replacing: existing, vnode: vnode, hash: hash, at: time)
    }

    private mutating func storeNumber(
        _ number: UInt64, paddedTo paddedLength: Int, key: ByteBuffer, flags: UInt32, expiresAt: Int64,
        replacing existing: Int?, vnode: Int, hash: UInt64, at time: AccessTime
    ) -> ShardResult<ArithmeticOutcome> {
        let text = DecimalNumber.text(number, paddedTo: paddedLength)
        let form = StoredForm(key: key, value: text, compressMinBytes: configuration.compressMinBytes)
        switch commit(form, flags: flags, expiresAt: expiresAt, replacing: existing, vnode: vnode, hash: hash, at: time) {
        case .done(let cas): return .done(.value(number, cas: cas))
        case .needsMemory(let bytes): return .needsMemory(bytes: bytes)
        }
    }

    mutating func touch(_ key: ByteBuffer, expiresAt: Int64, vnode: Int, hash: UInt64, at time: AccessTime) -> Bool {
        guard let index = liveSlot(key, vnode: vnode, hash: hash, at: time) else { return false }
        // memcached's touch keeps the CAS and counts as an access.
        slots[index]!.expiresAt = expiresAt
        slots[index]!.lastAccess = time.now
        bump(index, at: time)
        return true
    }

    mutating func importItem(_ item: ExportedItem, form: StoredForm, vnode: Int, hash: UInt64, at time: AccessTime) -> ShardResult<StoreOutcome> {
        let existing = slot(of: item.key, vnode: vnode, hash: hash)
        switch commit(
            form, flags: item.flags, expiresAt: item.expiresAt, cas: item.cas, isStale: item.isStale,
            replacing: existing, vnode: vnode, hash: hash, at: time)
        {
        case .done(let cas): return .done(.stored(cas: cas))
        case .needsMemory(let bytes): return .needsMemory(bytes: bytes)
        }
    }

    /// The item's value, decompressed; nil when the stored bytes are corrupt.
    func decodedValue(of index: Int) -> ByteBuffer? {
        let form = slots[index]!.form
        return form.storedValue.decodedStoredValue(isCompressed: form.isCompressed, maximumLength: configuration.maxItemBytes)
    }
}
