/// The incremental expiry sweep over one shard's slots.
extension StoreShard {
    /// Examines up to `budget` slots from the sweep cursor, reclaiming expired and flushed items.
    /// `wrapped` tells that the cursor reached the end and went back to the first slot.
    mutating func sweep(budget: Int, at time: AccessTime) -> (examined: Int, removed: Int, wrapped: Bool) {
        var examined = 0
        var removed = 0
        while examined < budget, sweepCursor < slots.count {
            let index = sweepCursor
            sweepCursor += 1
            examined += 1
            if let slot = slots[index], !slot.isLive(now: time.now, flushEpoch: time.flushEpoch) {
                reclaim(index)
                removed += 1
            }
        }
        let wrapped = sweepCursor >= slots.count
        if wrapped { sweepCursor = 0 }
        return (examined, removed, wrapped)
    }
}
