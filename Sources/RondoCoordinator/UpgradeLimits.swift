/// Bounds of each upgrade step, so that nothing waits forever: a step not done within its time
/// pauses the upgrade with the cluster whole and the reason in the status. Milliseconds on the
/// coordinator's clock.
public struct UpgradeLimits: Sendable, Hashable {
    /// Waiting for the cluster to be ready (connected, fully redundant, nothing pending).
    public var preflightMilliseconds: Int64
    /// Release or return of one batch: its vnodes copied off or back.
    public var migrationMilliseconds: Int64
    /// From the restart order until every node of the batch is back on the expected version.
    public var restartMilliseconds: Int64
    /// Waiting for the health gate after a batch returned.
    public var healthGateMilliseconds: Int64
    /// The health gate holds while a member reports more client errors per million requests than
    /// this (nodes that report no figure are not judged on it).
    public var clientErrorsPerMillionMax: UInt32

    public static let `default` = UpgradeLimits(
        preflightMilliseconds: 60_000, migrationMilliseconds: 3_600_000, restartMilliseconds: 120_000,
        healthGateMilliseconds: 120_000, clientErrorsPerMillionMax: 1_000)

    /// Step times beyond a week are operator typos, not plans.
    public static let stepMillisecondsMax: Int64 = 7 * 24 * 3_600_000

    public init(
        preflightMilliseconds: Int64, migrationMilliseconds: Int64, restartMilliseconds: Int64,
        healthGateMilliseconds: Int64, clientErrorsPerMillionMax: UInt32
    ) {
        self.preflightMilliseconds = preflightMilliseconds
        self.migrationMilliseconds = migrationMilliseconds
        self.restartMilliseconds = restartMilliseconds
        self.healthGateMilliseconds = healthGateMilliseconds
        self.clientErrorsPerMillionMax = clientErrorsPerMillionMax
    }

    public var isValid: Bool {
        [preflightMilliseconds, migrationMilliseconds, restartMilliseconds, healthGateMilliseconds].allSatisfy {
            (1...Self.stepMillisecondsMax).contains($0)
        }
    }
}
