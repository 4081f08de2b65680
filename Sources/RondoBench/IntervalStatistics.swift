import Histogram

/// Counters and a latency histogram for one stretch of a run: one second of one event loop, a merged
/// second of all loops, or the whole run.
public struct IntervalStatistics: Sendable {
    /// Latencies above this are clamped to it: a stall of an hour is reported as an hour.
    public static let latencyMicrosecondsMax: UInt64 = 3_600_000_000

    public var gets: UInt64 = 0
    public var sets: UInt64 = 0
    public var hits: UInt64 = 0
    public var misses: UInt64 = 0
    public var errors = ErrorCounts()
    public var timeouts: UInt64 = 0
    public var reconnects: UInt64 = 0
    /// Retries, client errors, stale reads of a verifying run (zero otherwise).
    public var verification = VerificationCounts()
    public private(set) var latencyMicroseconds: Histogram<UInt64>

    public init() {
        latencyMicroseconds = Histogram(
            highestTrackableValue: Self.latencyMicrosecondsMax,
            numberOfSignificantValueDigits: .three
        )
    }

    /// Operations answered by the server, failed replies included.
    public var operations: UInt64 { gets + sets }

    public mutating func record(_ operation: BenchOperation.Kind, _ outcome: RequestOutcome, latencyMicroseconds latency: UInt64) {
        switch operation {
        case .get: gets += 1
        case .set: sets += 1
        }
        switch outcome {
        case .hit: hits += 1
        case .miss: misses += 1
        case .stored: break
        case .failed(let kind): errors[kind] += 1
        }
        _ = latencyMicroseconds.record(min(latency, Self.latencyMicrosecondsMax))
    }

    public mutating func add(_ other: IntervalStatistics) {
        gets += other.gets
        sets += other.sets
        hits += other.hits
        misses += other.misses
        errors.add(other.errors)
        timeouts += other.timeouts
        reconnects += other.reconnects
        verification.add(other.verification)
        latencyMicroseconds.add(other.latencyMicroseconds)
    }

    public var latencySummary: LatencySummary {
        LatencySummary(latencyMicroseconds)
    }
}
