/// Bounds on retrying a forwarded request that met `notOwner`.
public struct ForwardRetryLimits: Sendable, Hashable {
    /// Sends in all, the first one included.
    public var attemptsMax: Int
    /// How long to wait for a newer table before giving up.
    public var tableWaitMilliseconds: Int64
    /// Pause before resending to an owner whose table is older than ours (it will catch up).
    public var backoffMilliseconds: Int64

    public init(attemptsMax: Int = 4, tableWaitMilliseconds: Int64 = 2000, backoffMilliseconds: Int64 = 50) {
        precondition(attemptsMax >= 1 && tableWaitMilliseconds >= 0 && backoffMilliseconds >= 0)
        self.attemptsMax = attemptsMax
        self.tableWaitMilliseconds = tableWaitMilliseconds
        self.backoffMilliseconds = backoffMilliseconds
    }
}
