import RondoCore
import RondoPeer

/// How the coordinator behaves; not persisted (the cluster's identity and layout are, in
/// `CoordinatorState`). Times are milliseconds on the clock the caller passes with every event.
public struct CoordinatorConfiguration: Sendable {
    /// The coordinator's own name in handshakes.
    public var localNodeID: NodeID
    public var build: BuildInfo
    /// A member silent for longer than this is down.
    public var downAfterMilliseconds: Int64
    /// A transfer not reported done or failed within this time counts as failed.
    public var transferTimeoutMilliseconds: Int64
    /// Tries per copy before it is reported failed.
    public var transferAttemptsMax: Int
    /// How long a copy that used up its tries rests before it gets new ones.
    public var failedCopyRetryAfterMilliseconds: Int64
    public var minorVersionSkewMax: Int
    /// Check `CoordinatorState.checkInvariants()` after every event and trap on a violation.
    public var checksInvariants: Bool

    public init(
        localNodeID: NodeID, build: BuildInfo = .current, downAfterMilliseconds: Int64 = 3_000,
        transferTimeoutMilliseconds: Int64 = 60_000, transferAttemptsMax: Int = 3,
        failedCopyRetryAfterMilliseconds: Int64 = 60_000,
        minorVersionSkewMax: Int = 1, checksInvariants: Bool = CoordinatorConfiguration.isDebugBuild
    ) {
        precondition(
            downAfterMilliseconds > 0 && transferTimeoutMilliseconds > 0 && failedCopyRetryAfterMilliseconds > 0,
            "timeouts must be positive")
        precondition((1...100).contains(transferAttemptsMax), "transfer attempts must be 1...100")
        self.localNodeID = localNodeID
        self.build = build
        self.downAfterMilliseconds = downAfterMilliseconds
        self.transferTimeoutMilliseconds = transferTimeoutMilliseconds
        self.transferAttemptsMax = transferAttemptsMax
        self.failedCopyRetryAfterMilliseconds = failedCopyRetryAfterMilliseconds
        self.minorVersionSkewMax = minorVersionSkewMax
        self.checksInvariants = checksInvariants
    }

    public static var isDebugBuild: Bool {
        var debug = false
        assert({ debug = true; return true }())
        return debug
    }
}
