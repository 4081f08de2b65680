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
    /// Each batch's step timings so far (`UpgradeRun.history`).
    public let history: [UpgradeBatchRecord]
    /// The clock `history` is read against: the upgrade's start, and now.
    let startedAtMilliseconds: Int64
    let nowMilliseconds: Int64

    static let barWidth = 30
    /// Batches the text form lists (the newest); the JSON form has every recorded one.
    static let historyLinesMax = 20
    static let historyNodesShownMax = 4

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
        history = run.history
        startedAtMilliseconds = run.startedAtMilliseconds
        nowMilliseconds = now
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
        lines.append(contentsOf: historyTable)
        return lines.joined(separator: "\n")
    }

    /// Seconds each batch spent in each step: `-` for a step it did not take, `…` after the
    /// time of the step still running.
    var historyTable: [String] {
        guard !history.isEmpty else { return [] }
        func cell(_ text: String, _ width: Int) -> String { String(repeating: " ", count: max(0, width - text.count)) + text }
        func seconds(_ milliseconds: Int64) -> String {
            let tenths = (milliseconds + 50) / 100
            return "\(tenths / 10).\(tenths % 10)"
        }
        var lines = ["batch  " + UpgradeStep.allCases.map { cell("\($0)", 12) }.joined() + cell("total", 9) + "  nodes"]
        let shown = history.suffix(Self.historyLinesMax)
        if shown.count < history.count { lines.append("(\(history.count - shown.count) earlier batches not shown; --json has them)") }
        for record in shown {
            let running = record.doneAtMilliseconds == nil
            var row = cell((record.direction == .rollback ? "r" : "") + "\(record.batchNumber)", 5) + "  "
            for column in UpgradeStep.allCases {
                guard let index = record.steps.firstIndex(where: { $0.step == column }) else {
                    row += cell("-", 12)
                    continue
                }
                let isCurrent = running && index == record.steps.count - 1
                row += cell(seconds(record.milliseconds(ofStepAt: index, now: nowMilliseconds)) + (isCurrent ? "…" : " ") + "s", 12)
            }
            row += cell(seconds(record.milliseconds(now: nowMilliseconds)) + (running ? "…" : " ") + "s", 9)
            // A line per batch stays a line: an atomic half of a large cluster is named by its first nodes.
            let named = record.nodes.prefix(Self.historyNodesShownMax).map(\.rawValue).joined(separator: ",")
            let more = record.nodes.count > Self.historyNodesShownMax ? " +\(record.nodes.count - Self.historyNodesShownMax) more" : ""
            lines.append(row + "  " + named + more)
        }
        return lines
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
            ("batches", .array(history.map(historyJSON))),
        ])
    }

    /// A batch's timings as offsets from the upgrade's start (the coordinator's clock is not
    /// wall time): `startMilliseconds` and `milliseconds` per step, `doneMilliseconds` null
    /// while the batch runs.
    private func historyJSON(_ record: UpgradeBatchRecord) -> JSONValue {
        .object([
            ("batch", .integer(Int64(record.batchNumber))),
            ("direction", .string(record.direction == .rollback ? "rollback" : "forward")),
            ("nodes", .array(record.nodes.map { .string($0.rawValue) })),
            ("steps", .array(record.steps.indices.map { index in
                .object([
                    ("step", .string(record.steps[index].step.description)),
                    ("startMilliseconds", .integer(record.steps[index].atMilliseconds - startedAtMilliseconds)),
                    ("milliseconds", .integer(record.milliseconds(ofStepAt: index, now: nowMilliseconds))),
                ])
            })),
            ("doneMilliseconds", record.doneAtMilliseconds.map { .integer($0 - startedAtMilliseconds) } ?? .null),
            ("milliseconds", .integer(record.milliseconds(now: nowMilliseconds))),
        ])
    }
}
