import RondoCore

/// One batch of a rolling upgrade as it happened: when each of its steps began and when it was
/// done, on the coordinator's clock. These are each node's phase timings that
/// `rondo ctl upgrade status` prints and the demo charts; sampling the current step from outside
/// misses steps shorter than the sampling interval (an in-place restart takes ~0.2 s).
public struct UpgradeBatchRecord: Sendable, Hashable {
    public struct StepStart: Sendable, Hashable {
        public var step: UpgradeStep
        public var atMilliseconds: Int64

        public init(step: UpgradeStep, atMilliseconds: Int64) {
            self.step = step
            self.atMilliseconds = atMilliseconds
        }
    }

    public var direction: UpgradeRun.Direction
    /// 1-based within its direction: a rollback counts its own batches from 1.
    public var batchNumber: Int
    public var nodes: [NodeID]
    /// In the order they were entered; a step entered again (a pause resumed, a restart order
    /// resent) keeps the time it was first entered.
    public var steps: [StepStart]
    public var doneAtMilliseconds: Int64?

    public init(direction: UpgradeRun.Direction, batchNumber: Int, nodes: [NodeID], steps: [StepStart], doneAtMilliseconds: Int64?) {
        self.direction = direction
        self.batchNumber = batchNumber
        self.nodes = nodes
        self.steps = steps
        self.doneAtMilliseconds = doneAtMilliseconds
    }

    public var startedAtMilliseconds: Int64? { steps.first?.atMilliseconds }

    /// How long the step at `index` of `steps` took: until the next step began, until the batch
    /// was done, or — for the step still running — until `now`.
    public func milliseconds(ofStepAt index: Int, now: Int64) -> Int64 {
        let end = index + 1 < steps.count ? steps[index + 1].atMilliseconds : (doneAtMilliseconds ?? now)
        return max(0, end - steps[index].atMilliseconds)
    }

    /// The batch's time so far (or in all, once done).
    public func milliseconds(now: Int64) -> Int64 {
        guard let start = startedAtMilliseconds else { return 0 }
        return max(0, (doneAtMilliseconds ?? now) - start)
    }
}
