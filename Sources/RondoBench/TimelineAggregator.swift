/// Merges the event loops' interval snapshots into one timeline entry per interval, and keeps the
/// running total for the summary.
public struct TimelineAggregator: Sendable {
    public private(set) var entries: [TimelineEntry] = []
    public private(set) var total = IntervalStatistics()
    public private(set) var elapsedSeconds: Double = 0

    public init() {}

    /// `snapshots` are the loops' recordings for the same `intervalSeconds` of wall time.
    public mutating func append(_ snapshots: [IntervalStatistics], intervalSeconds: Double) {
        precondition(intervalSeconds > 0, "an interval has a length")
        var merged = IntervalStatistics()
        for snapshot in snapshots {
            merged.add(snapshot)
        }
        total.add(merged)
        elapsedSeconds += intervalSeconds
        entries.append(
            TimelineEntry(
                elapsedSeconds: elapsedSeconds,
                intervalSeconds: intervalSeconds,
                opsPerSecond: Double(merged.operations) / intervalSeconds,
                gets: merged.gets,
                sets: merged.sets,
                hits: merged.hits,
                misses: merged.misses,
                errors: merged.errors.total,
                timeouts: merged.timeouts,
                reconnects: merged.reconnects,
                retries: merged.verification.retries,
                clientErrors: merged.verification.clientErrors,
                staleReads: merged.verification.staleReads,
                latencyMicroseconds: merged.latencySummary
            )
        )
    }
}
