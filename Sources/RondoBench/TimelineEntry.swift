/// One second (or the final partial second) of the measured run, all connections merged.
public struct TimelineEntry: Equatable, Sendable, Codable {
    /// Seconds since the measured run began, at the end of this interval.
    public var elapsedSeconds: Double
    public var intervalSeconds: Double
    public var opsPerSecond: Double
    public var gets: UInt64
    public var sets: UInt64
    public var hits: UInt64
    public var misses: UInt64
    public var errors: UInt64
    public var timeouts: UInt64
    public var reconnects: UInt64
    /// Verifying runs: attempts retried on another server, operations whose retry failed too, and
    /// stale reads, in this interval (zero otherwise).
    public var retries: UInt64
    public var clientErrors: UInt64
    public var staleReads: UInt64
    public var latencyMicroseconds: LatencySummary
}
