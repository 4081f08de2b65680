import NIOCore

/// The primary's bounded record of a vnode's recent entries, for sending, resending and catch-up.
/// Entries are consecutive: `entries[i]` has sequence `firstSequence + i`.
struct ReplicationLog {
    let entriesMax: Int
    let bytesMax: Int
    private var entries: [ReplicationEntry] = []
    /// Index of the oldest kept entry in `entries`; the prefix before it is dropped lazily so
    /// that trimming one entry costs O(1) amortised.
    private var head = 0
    private(set) var bytes = 0
    /// The last sequence number assigned (0 = none).
    private(set) var lastSequence: UInt64

    init(entriesMax: Int, bytesMax: Int, lastSequence: UInt64) {
        self.entriesMax = entriesMax
        self.bytesMax = bytesMax
        self.lastSequence = lastSequence
    }

    var count: Int { entries.count - head }

    /// The oldest sequence still held; `lastSequence + 1` when empty.
    var firstSequence: UInt64 { lastSequence + 1 - UInt64(count) }

    mutating func append(_ entry: ReplicationEntry) {
        precondition(entry.sequence == lastSequence + 1, "log entries are consecutive")
        entries.append(entry)
        bytes += entry.encodedBytes
        lastSequence = entry.sequence
        while count > 1 && (count > entriesMax || bytes > bytesMax) {
            dropOldest()
        }
        compactIfWorthIt()
    }

    /// Drops entries at or below `sequence` (those no replica needs any more), at most
    /// `maxEntries` of them: each call's cost stays small, and the acks that keep coming finish it.
    mutating func discard(through sequence: UInt64, maxEntries: Int) {
        var dropped = 0
        while dropped < maxEntries && count > 0 && firstSequence <= sequence {
            dropOldest()
            dropped += 1
        }
        compactIfWorthIt()
    }

    private mutating func dropOldest() {
        bytes -= entries[head].encodedBytes
        // Released now, not when the prefix is compacted away: the entry's buffers go back at once.
        entries[head] = Self.released
        head += 1
    }

    /// Removes the dropped prefix once it is most of the array: O(1) amortised per entry.
    private mutating func compactIfWorthIt() {
        if head > 1024 && head * 2 > entries.count {
            entries.removeFirst(head)
            head = 0
        } else if head > 0 && head == entries.count {
            entries.removeAll(keepingCapacity: true)
            head = 0
        }
    }

    /// What a dropped slot holds until the prefix is compacted: no buffer of its own.
    private static let released = ReplicationEntry(vnode: 0, sequence: 0, key: ByteBuffer(), change: .tombstone(cas: nil))

    /// Hands every entry over (for freeing elsewhere) and keeps `lastSequence`: the log is empty
    /// from here on, `firstSequence` is `lastSequence + 1`.
    mutating func takeEntries() -> [ReplicationEntry] {
        defer {
            entries = []
            head = 0
            bytes = 0
        }
        return entries
    }

    /// Entries from `sequence` on, at most `entriesMax` of them and `bytesMax` bytes (the first
    /// entry always fits); nil when `sequence` is older than the log.
    func entries(from sequence: UInt64, entriesMax: Int, bytesMax: Int) -> [ReplicationEntry]? {
        guard sequence >= firstSequence else { return nil }
        guard sequence <= lastSequence else { return [] }
        var batch: [ReplicationEntry] = []
        var batchBytes = 0
        var index = head + Int(sequence - firstSequence)
        while index < entries.count && batch.count < entriesMax {
            let entryBytes = entries[index].encodedBytes
            if !batch.isEmpty && batchBytes + entryBytes > bytesMax { break }
            batch.append(entries[index])
            batchBytes += entryBytes
            index += 1
        }
        return batch
    }
}
