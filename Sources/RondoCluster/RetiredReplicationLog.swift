/// The catch-up log of a primary that resigned, freed a few entries at a time.
///
/// A resigned primary's log is never read again, but freeing it is not free: it holds every
/// entry the vnode took since it got this primary, up to `ReplicationConfiguration.logEntriesMax`,
/// each with its own key and value buffers. A released node resigns all its primaries in one
/// table, and dropping their logs there held its loop ~13 ms of CPU (35–100 ms on a busy 2-core
/// host) while its clients waited (found with the `install_cpu_us` of the table log line).
public struct RetiredReplicationLog: Sendable {
    private var entries: [ReplicationEntry]

    init(entries: [ReplicationEntry]) {
        self.entries = entries
    }

    public var isEmpty: Bool { entries.isEmpty }
    public var count: Int { entries.count }

    /// Frees up to `maxEntries` entries (newest first: the order does not matter and the end is
    /// where an array shrinks without moving the rest); returns how many. The array's own storage
    /// goes with the log, which its holder drops once it is empty.
    public mutating func free(maxEntries: Int) -> Int {
        let freed = min(maxEntries, entries.count)
        entries.removeLast(freed)
        return freed
    }
}
