/// What a verifying run found, beyond throughput and latency. Per interval (in `IntervalStatistics`)
/// and for the whole run.
public struct VerificationCounts: Equatable, Sendable, Codable {
    /// Attempts that failed and were sent again to another server.
    public var retries: UInt64 = 0
    /// Operations whose retry failed too.
    public var clientErrors: UInt64 = 0
    /// Reads that returned an older write than the newest acknowledged before they were sent, or a
    /// miss after an acknowledged write.
    public var staleReads: UInt64 = 0
    /// Reads that returned bytes that are no write of that key (garbage, another key's value, a
    /// write number never issued).
    public var corruptValues: UInt64 = 0

    public init() {}

    public mutating func add(_ other: VerificationCounts) {
        retries += other.retries
        clientErrors += other.clientErrors
        staleReads += other.staleReads
        corruptValues += other.corruptValues
    }
}
