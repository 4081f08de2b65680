import RondoCore
import RondoPeer
import RondoRing

/// The rolling upgrade's commands (dispatched by `ctl`). Each batch goes preflight → release →
/// restart → return → health gate (`Coordinator+UpgradeSteps.swift`); these start, steer and stop it.
extension Coordinator {
    func upgradeStatusResponse(now: Int64) throws(CoordinatorError) -> CtlResponse {
        _ = try readableRun()
        return .upgradeStatus(upgradeStatus(nowMilliseconds: now)!)
    }

    private func readableRun() throws(CoordinatorError) -> UpgradeRun {
        if let upgradeStateError { throw .upgrade(.stateUnreadable(upgradeStateError)) }
        guard let upgradeRun else { throw .upgrade(.noUpgrade) }
        return upgradeRun
    }

    private func runningRun() throws(CoordinatorError) -> UpgradeRun {
        let run = try readableRun()
        guard run.isRunning else { throw .upgrade(.finished(run.outcome)) }
        return run
    }

    mutating func startUpgrade(_ request: UpgradeRequest, now: Int64, out: inout [CoordinatorAction]) throws(CoordinatorError) {
        if let upgradeStateError { throw .upgrade(.stateUnreadable(upgradeStateError)) }
        if let run = upgradeRun, run.isRunning { throw .upgrade(.inProgress(step: run.step, batch: run.batchIndex + 1)) }
        let plan: UpgradePlan
        do { plan = try UpgradePlanner.plan(state: state, request: request) } catch { throw .upgradePlan(error) }
        var originals: [NodeID: SemanticVersion] = [:]
        for batch in plan.batches {
            for node in batch.nodes { originals[node] = state.members[node]?.build.softwareVersion }
        }
        var run = UpgradeRun(
            request: request, direction: .forward, rollbackBinaryPath: nil, originalVersions: originals,
            batches: plan.batches.map(\.nodes), batchIndex: 0, step: .preflight, stepStartedAtMilliseconds: now,
            stepDeadlineMilliseconds: now, returned: [], reconnected: [], pausedReason: nil, stopRequest: nil,
            outcome: .running, startedAtMilliseconds: now, finishedAtMilliseconds: nil, nodesDone: 0,
            baselineTransfers: state.counters.transfersCompleted, baselineBytes: state.counters.bytesTransferred)
        run.enter(.preflight, now: now)
        upgradeRun = run
        out.append(.log(.notice, "upgrade to \(request.targetDescription) started: \(plan.nodeCount) nodes in \(plan.batches.count) batches"))
        advanceUpgrade(now: now, out: &out)
    }

    mutating func pauseUpgrade(out: inout [CoordinatorAction]) throws(CoordinatorError) {
        let run = try runningRun()
        if let reason = run.pausedReason { throw .upgrade(.alreadyPaused(reason)) }
        upgradeRun?.pausedReason = "paused by the operator"
        out.append(.log(.notice, "upgrade paused by the operator at batch \(run.batchIndex + 1), \(run.step)"))
    }

    mutating func resumeUpgradeByOperator(now: Int64, out: inout [CoordinatorAction]) throws(CoordinatorError) {
        let run = try runningRun()
        guard run.isPaused else { throw .upgrade(.notPaused) }
        unpause(now: now, out: &out)
        out.append(.log(.notice, "upgrade resumed at batch \(run.batchIndex + 1), \(run.step)"))
        advanceUpgrade(now: now, out: &out)
        // Nodes of a restart step paused before they were back get their order again: the
        // first may never have arrived, or the node came back on the wrong binary and was fixed.
        if run.step == .restart, let current = upgradeRun, current.isRunning, current.step == .restart,
            current.batchIndex == run.batchIndex, current.stopRequest == nil
        {
            for node in current.currentBatch where !current.returned.contains(node) && state.members[node]?.state == .draining(released: true) {
                orderRestart(node, run: current, out: &out)
            }
        }
    }

    /// Clears a pause and gives the current step its full time again.
    private mutating func unpause(now: Int64, out: inout [CoordinatorAction]) {
        guard var run = upgradeRun else { return }
        run.pausedReason = nil
        run.enter(run.step, now: now)
        upgradeRun = run
    }

    /// Abort (and rollback) take effect at the next point where the cluster is whole: at once in
    /// preflight, by undoing a release in progress, else after the batch returned.
    mutating func stopUpgrade(_ request: UpgradeRun.StopRequest, now: Int64, out: inout [CoordinatorAction]) throws(CoordinatorError) {
        let run = try runningRun()
        guard run.stopRequest == nil else { throw .upgrade(.alreadyStopping) }
        upgradeRun?.stopRequest = request
        if run.isPaused { unpause(now: now, out: &out) }
        out.append(.log(.notice, "upgrade \(request == .abort ? "abort" : "rollback") requested at batch \(run.batchIndex + 1), \(run.step)"))
        if run.step == .release {
            var current = upgradeRun!
            startReturn(&current, now: now, out: &out)
            upgradeRun = current
        }
        advanceUpgrade(now: now, out: &out)
    }

    mutating func rollbackUpgrade(binaryPath: String?, now: Int64, out: inout [CoordinatorAction]) throws(CoordinatorError) {
        let run = try readableRun()
        if let finalized = state.finalizedVersion,
            run.originalVersions.values.contains(where: { ($0.major, $0.minor) < (finalized.major, finalized.minor) })
        {
            throw .upgrade(.rollbackAfterFinalize(finalized: finalized))
        }
        if run.isRunning {
            guard run.direction == .forward else { throw .upgrade(.alreadyStopping) }
            try stopUpgrade(.rollback(binaryPath: binaryPath), now: now, out: &out)
            return
        }
        guard run.outcome == .completed || run.outcome == .aborted else { throw .upgrade(.finished(run.outcome)) }
        var current = run
        current.outcome = .running
        current.finishedAtMilliseconds = nil
        current.pausedReason = nil
        beginRollback(&current, binaryPath: binaryPath, now: now, out: &out)
        upgradeRun = current
        advanceUpgrade(now: now, out: &out)
    }

    /// Raises the finalized version to the version every member runs; from then on older nodes
    /// are refused at their hello and a rollback is no longer possible.
    mutating func finalize(out: inout [CoordinatorAction]) throws(CoordinatorError) -> String {
        if let run = upgradeRun, run.isRunning { throw .upgrade(.inProgress(step: run.step, batch: run.batchIndex + 1)) }
        let members = state.members.values.filter { $0.memberID != nil && $0.state.isLive }.sorted { $0.nodeID < $1.nodeID }
        guard let newest = members.map(\.build.softwareVersion).max() else { throw .upgrade(.noMembers) }
        let older = members.filter { $0.build.softwareVersion != newest }
        guard older.isEmpty else {
            throw .upgrade(.membersOnOtherVersions(older.map { "\($0.nodeID) runs \($0.build.softwareVersion), not \(newest)" }))
        }
        if let finalized = state.finalizedVersion, finalized >= newest { throw .upgrade(.alreadyFinalized(finalized)) }
        let active: ActiveVersion
        switch ActiveVersion.compute(members: members.map(\.build), finalizedVersion: newest) {
        case .success(let version): active = version
        case .failure(let error): throw .upgrade(.activeVersion(error.description))
        }
        state.finalizedVersion = newest
        out.append(.log(.notice, "finalized at \(newest): active \(active); nodes older than \(newest.major).\(newest.minor) are refused"))
        return "finalized at \(newest); active \(active); nodes older than \(newest.major).\(newest.minor).x are refused from now on"
    }

    /// The upgrade's progress at `now`; nil when none was started.
    public func upgradeStatus(nowMilliseconds now: Int64) -> UpgradeStatus? {
        guard let run = upgradeRun else { return nil }
        return UpgradeStatus(
            run: run, nowMilliseconds: now,
            vnodesMoved: state.counters.transfersCompleted &- run.baselineTransfers,
            bytesMoved: state.counters.bytesTransferred &- run.baselineBytes)
    }
}
