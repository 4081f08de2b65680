import RondoCore
import RondoPeer

/// The persisted state of a rolling upgrade: the request, the batches still to do and where the
/// current batch is. The coordinator keeps it in `CoordinatorState.upgrade` (its own versioned
/// codec, `UpgradeRun+Codec.swift`), so a restarted coordinator resumes at the same step.
public struct UpgradeRun: Sendable, Hashable {
    public enum Direction: UInt8, Sendable, Hashable {
        case forward = 1
        /// Back to each node's original version, by the same procedure.
        case rollback = 2
    }

    public enum Outcome: UInt8, Sendable, Hashable, CustomStringConvertible {
        case running = 1
        case completed = 2
        case aborted = 3
        case rolledBack = 4

        public var description: String {
            switch self {
            case .running: return "running"
            case .completed: return "completed"
            case .aborted: return "aborted"
            case .rolledBack: return "rolled back"
            }
        }
    }

    /// What the operator asked to happen once the current step leaves the cluster whole.
    public enum StopRequest: Sendable, Hashable {
        case abort
        case rollback(binaryPath: String?)
    }

    public internal(set) var request: UpgradeRequest
    public internal(set) var direction: Direction
    /// What rollback restarts execute (in-place mode).
    public internal(set) var rollbackBinaryPath: String?
    /// Each upgraded node's version when the upgrade started: the rollback's target.
    public internal(set) var originalVersions: [NodeID: SemanticVersion]
    public internal(set) var batches: [[NodeID]]
    public internal(set) var batchIndex: Int
    public internal(set) var step: UpgradeStep
    public internal(set) var stepStartedAtMilliseconds: Int64
    public internal(set) var stepDeadlineMilliseconds: Int64
    /// Nodes of the current batch that came back on the expected version (restart step).
    public internal(set) var returned: Set<NodeID>
    /// Nodes of the current batch that said hello after their restart order.
    public internal(set) var reconnected: Set<NodeID>
    /// Set while paused: by the operator, or by a step that missed its deadline (with why).
    public internal(set) var pausedReason: String?
    public internal(set) var stopRequest: StopRequest?
    public internal(set) var outcome: Outcome
    public internal(set) var startedAtMilliseconds: Int64
    public internal(set) var finishedAtMilliseconds: Int64?
    public internal(set) var nodesDone: Int
    /// The coordinator's transfer counters when the upgrade started: moved = now - baseline.
    public internal(set) var baselineTransfers: UInt64
    public internal(set) var baselineBytes: UInt64
    /// Each batch's step timings, newest last, at most `historyBatchesMax` (UpgradeRun+History).
    /// Persisted in a section of its own (`historySlot`), not in `slot`.
    public internal(set) var history: [UpgradeBatchRecord] = []

    public var currentBatch: [NodeID] { batchIndex < batches.count ? batches[batchIndex] : [] }
    public var nodesTotal: Int { batches.reduce(0) { $0 + $1.count } }
    public var isRunning: Bool { outcome == .running }
    public var isPaused: Bool { pausedReason != nil }

    /// Whether `version` is what `node` must come back on.
    func accepts(_ version: SemanticVersion, for node: NodeID) -> Bool {
        switch direction {
        case .rollback:
            return originalVersions[node] == version
        case .forward:
            if let target = request.targetVersion { return version == target }
            return originalVersions[node] != version
        }
    }

    /// What `node` is expected to run once its batch is done, for messages.
    func expectedVersion(for node: NodeID) -> String {
        switch direction {
        case .rollback: return originalVersions[node]?.description ?? "its original version"
        case .forward:
            if let target = request.targetVersion { return target.description }
            return "a version other than \(originalVersions[node]?.description ?? "its original one")"
        }
    }

    var restartBinaryPath: String? {
        direction == .rollback ? rollbackBinaryPath : request.binaryPath
    }

    mutating func enter(_ next: UpgradeStep, now: Int64) {
        recordStep(next, now: now)
        step = next
        stepStartedAtMilliseconds = now
        stepDeadlineMilliseconds = now + timeout(of: next)
    }

    func timeout(of step: UpgradeStep) -> Int64 {
        switch step {
        case .preflight: return request.limits.preflightMilliseconds
        case .release, .returning: return request.limits.migrationMilliseconds
        case .restart: return request.limits.restartMilliseconds
        case .healthGate: return request.limits.healthGateMilliseconds
        }
    }
}
