/// The whole measured run in a few numbers.
public struct BenchSummary: Equatable, Sendable, Codable {
    public var durationSeconds: Double
    public var operations: UInt64
    public var opsPerSecond: Double
    public var getsPerSecond: Double
    public var setsPerSecond: Double
    public var gets: UInt64
    public var sets: UInt64
    public var hits: UInt64
    public var misses: UInt64
    /// hits / (hits + misses); 0 when no get was answered.
    public var hitRatio: Double
    public var errors: ErrorCounts
    public var timeouts: UInt64
    public var reconnects: UInt64
    public var latencyMicroseconds: LatencySummary
    /// Retries, client errors, stale and corrupt reads of a verifying run (zero otherwise).
    public var verification: VerificationCounts

    public init(_ total: IntervalStatistics, durationSeconds: Double) {
        let seconds = max(durationSeconds, .leastNonzeroMagnitude)
        self.durationSeconds = durationSeconds
        operations = total.operations
        opsPerSecond = Double(total.operations) / seconds
        getsPerSecond = Double(total.gets) / seconds
        setsPerSecond = Double(total.sets) / seconds
        gets = total.gets
        sets = total.sets
        hits = total.hits
        misses = total.misses
        let lookups = total.hits + total.misses
        hitRatio = lookups == 0 ? 0 : Double(total.hits) / Double(lookups)
        errors = total.errors
        timeouts = total.timeouts
        reconnects = total.reconnects
        latencyMicroseconds = total.latencySummary
        verification = total.verification
    }
}
