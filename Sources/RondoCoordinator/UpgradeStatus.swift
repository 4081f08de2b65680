import RondoCore

/// What `rondo ctl upgrade status` prints: progress (nodes done of total, current batch and
/// step), what moved, rate and ETA from the coordinator's clock, and why it is paused if it is.
public struct UpgradeStatus: Sendable, Hashable, CustomStringConvertible {
    public let outcome: UpgradeRun.Outcome
    public let rollingBack: Bool
    public let target: String
    public let strategy: UpgradeStrategy
    public let nodesDone: Int
    public let nodesTotal: Int
    /// 1-based; batchCount + 1 once every batch is done.
    public let batchNumber: Int
    public let batchCount: Int
    public let currentBatch: [NodeID]
    public let step: UpgradeStep
    public let pausedReason: String?
    public let stopping: String?
    public let vnodesMoved: UInt64
    public let bytesMoved: UInt64
    public let elapsedMilliseconds: Int64
    public let bytesPerSecond: UInt64?
    /// From the pace of the batches done so far; nil before the first batch is done.
    public let etaMilliseconds: Int64?
    public let stepDeadlineInMilliseconds: Int64

    static let barWidth = 30

    init(run: UpgradeRun, nowMilliseconds now: Int64, vnodesMoved: UInt64, bytesMoved: UInt64) {
        outcome = run.outcome
        rollingBack = run.direction == .rollback
        target = run.direction == .rollback ? "original versions" : run.request.targetDescription
        strategy = run.request.strategy
        nodesDone = run.nodesDone
        nodesTotal = run.nodesTotal
        batchNumber = run.batchIndex + 1
        batchCount = run.batches.count
        currentBatch = run.currentBatch
        step = run.step
        pausedReason = run.pausedReason
        switch run.stopRequest {
        case nil: stopping = nil
        case .abort: stopping = "abort after the current step"
        case .rollback: stopping = "rollback after the current step"
        }
        self.vnodesMoved = vnodesMoved
        self.bytesMoved = bytesMoved
        let end = run.finishedAtMilliseconds ?? now
        elapsedMilliseconds = max(0, end - run.startedAtMilliseconds)
        bytesPerSecond = elapsedMilliseconds > 0 ? UInt64(Double(bytesMoved) * 1000 / Double(elapsedMilliseconds)) : nil
        if run.isRunning, run.nodesDone > 0 {
            etaMilliseconds = elapsedMilliseconds / Int64(run.nodesDone) * Int64(max(0, run.nodesTotal - run.nodesDone))
        } else {
            etaMilliseconds = run.isRunning ? nil : 0
        }
        stepDeadlineInMilliseconds = max(0, run.stepDeadlineMilliseconds - now)
    }

    /// `[#########.....................] 1/3 nodes`
    public var progressBar: String {
        let filled = nodesTotal > 0 ? Self.barWidth * nodesDone / nodesTotal : Self.barWidth
        return "[" + String(repeating: "#", count: filled) + String(repeating: ".", count: Self.barWidth - filled)
            + "] \(nodesDone)/\(nodesTotal) nodes"
    }

    public var description: String {
        var lines = ["upgrade \(rollingBack ? "rollback" : "to \(target)"): \(outcome)" + (pausedReason != nil ? ", PAUSED" : "")]
        lines.append(progressBar)
        if outcome == .running {
            lines.append(
                "batch \(batchNumber) of \(batchCount) (\(currentBatch.map(\.rawValue).joined(separator: ", "))): \(step), "
                    + "deadline in \(stepDeadlineInMilliseconds / 1000) s")
        }
        if let pausedReason { lines.append("paused: \(pausedReason)") }
        if let stopping { lines.append("stopping: \(stopping)") }
        let rate = bytesPerSecond.map { "\($0) bytes/s" } ?? "unknown"
        let eta = etaMilliseconds.map { "\($0 / 1000) s" } ?? "unknown until the first batch is done"
        lines.append("moved: \(vnodesMoved) vnode copies, \(bytesMoved) bytes; rate \(rate); elapsed \(elapsedMilliseconds / 1000) s; ETA \(eta)")
        return lines.joined(separator: "\n")
    }

    public var json: JSONValue {
        .object([
            ("outcome", .string(outcome.description)),
            ("rollingBack", .bool(rollingBack)),
            ("target", .string(target)),
            ("strategy", .string(strategy.description)),
            ("nodesDone", .integer(Int64(nodesDone))),
            ("nodesTotal", .integer(Int64(nodesTotal))),
            ("batch", .integer(Int64(batchNumber))),
            ("batchCount", .integer(Int64(batchCount))),
            ("currentBatch", .array(currentBatch.map { .string($0.rawValue) })),
            ("step", .string(step.description)),
            ("paused", .bool(pausedReason != nil)),
            ("pausedReason", pausedReason.map { .string($0) } ?? .null),
            ("stopping", stopping.map { .string($0) } ?? .null),
            ("vnodesMoved", .unsigned(vnodesMoved)),
            ("bytesMoved", .unsigned(bytesMoved)),
            ("elapsedMilliseconds", .integer(elapsedMilliseconds)),
            ("bytesPerSecond", bytesPerSecond.map { .unsigned($0) } ?? .null),
            ("etaMilliseconds", etaMilliseconds.map { .integer($0) } ?? .null),
            ("stepDeadlineInMilliseconds", .integer(stepDeadlineInMilliseconds)),
        ])
    }
}
