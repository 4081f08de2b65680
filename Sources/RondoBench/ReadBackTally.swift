/// The final check of a verifying run: every key the run wrote, read back through the servers with
/// the same retry rule, and compared with the newest acknowledged write.
public struct ReadBackTally: Equatable, Sendable, Codable {
    /// Keys the run wrote at least once (acknowledged or not).
    public var keysWritten: UInt64 = 0
    /// Keys whose read-back was answered.
    public var keysChecked: UInt64 = 0
    /// Keys whose newest acknowledged write was not returned (an older one, or a miss). A newer,
    /// unacknowledged write is fine: the server may have applied it before the reply was lost.
    public var lostWrites: UInt64 = 0
    /// Keys whose read-back returned bytes that are no write of that key.
    public var corruptValues: UInt64 = 0
    /// Keys whose read-back failed on both attempts, so they could not be checked (client errors).
    public var keysUnverified: UInt64 = 0

    public init() {}

    public mutating func count(_ verdict: VerifyLedger.ReadVerdict) {
        keysChecked += 1
        switch verdict {
        case .current: break
        case .stale: lostWrites += 1
        case .corrupt: corruptValues += 1
        }
    }

    public mutating func add(_ other: ReadBackTally) {
        keysWritten += other.keysWritten
        keysChecked += other.keysChecked
        lostWrites += other.lostWrites
        corruptValues += other.corruptValues
        keysUnverified += other.keysUnverified
    }
}
