/// Totals since the cluster began, for `status`; persisted so they survive restarts.
public struct MigrationCounters: Sendable, Hashable {
    public var transfersCompleted: UInt64 = 0
    public var transfersFailed: UInt64 = 0
    public var bytesTransferred: UInt64 = 0
    public var dropsIssued: UInt64 = 0

    public init() {}
}
