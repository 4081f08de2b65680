import RondoRing

/// Where the copy of one vnode to one member stands. Copies that are not listed are not needed
/// or already complete (then the member is a holder, see `CoordinatorState.holds`).
public enum CopyProgress: Sendable, Hashable {
    /// Queued; `attempts` transfers have failed or timed out so far.
    case waiting(attempts: Int)
    case inFlight(InFlightTransfer)
    /// Gave up after `CoordinatorConfiguration.transferAttemptsMax` at `atMilliseconds`; reported
    /// in `status`, queued again after `failedCopyRetryAfterMilliseconds` or by the next
    /// membership change or failure, whichever comes first.
    case failed(attempts: Int, atMilliseconds: Int64)
}

/// A transfer the coordinator started and has not heard the end of.
public struct InFlightTransfer: Sendable, Hashable {
    public let source: MemberID
    public let startedAtMilliseconds: Int64
    /// 1 for the first try.
    public let attempt: Int
    public let bytesPerSecond: UInt64

    public init(source: MemberID, startedAtMilliseconds: Int64, attempt: Int, bytesPerSecond: UInt64) {
        self.source = source
        self.startedAtMilliseconds = startedAtMilliseconds
        self.attempt = attempt
        self.bytesPerSecond = bytesPerSecond
    }
}
