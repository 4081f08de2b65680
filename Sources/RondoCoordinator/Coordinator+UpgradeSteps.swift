import RondoCore
import RondoPeer
import RondoRing

/// The rolling upgrade's steps. Every event that can let a step finish (a tick, a completed
/// transfer, an acknowledged epoch, a hello, a command) calls `advanceUpgrade`; a step that
/// does not finish by its deadline pauses the upgrade with the reason. Release and return reuse
/// the membership machinery (drain, re-activate), so copies are made before every switch and
/// redundancy holds at every moment.
extension Coordinator {
    /// Steps a running, unpaused upgrade as far as the cluster allows now (bounded: a batch has
    /// five steps).
    mutating func advanceUpgrade(now: Int64, out: inout [CoordinatorAction]) {
        guard var run = upgradeRun, run.isRunning else { return }
        for _ in 0..<8 {
            guard run.isRunning, !run.isPaused else { break }
            let before = (run.step, run.batchIndex, run.outcome, run.direction)
            advanceOnce(&run, now: now, out: &out)
            if before == (run.step, run.batchIndex, run.outcome, run.direction), !run.isPaused { break }
        }
        upgradeRun = run
    }

    private mutating func advanceOnce(_ run: inout UpgradeRun, now: Int64, out: inout [CoordinatorAction]) {
        let batch = run.currentBatch
        let late = now >= run.stepDeadlineMilliseconds
        let label = "batch \(run.batchIndex + 1) (\(batch.map(\.rawValue).joined(separator: ", ")))"
        switch run.step {
        case .preflight:
            if let stop = run.stopRequest {
                stopAtBoundary(&run, stop, now: now, out: &out)
                return
            }
            let blockers = preflightBlockers(batch, atomic: run.request.strategy == .atomic)
            if blockers.isEmpty {
                startRelease(&run, now: now, out: &out)
            } else if late {
                pause(&run, "preflight of \(label) not passed within \(run.timeout(of: .preflight)) ms: \(blockers.joined(separator: "; "))", out: &out)
            }
        case .release:
            if let lost = batch.first(where: { state.members[$0]?.state.isLive != true }) {
                pause(&run, "\(lost) went \(state.members[lost]?.state.description ?? "away") during the release of \(label); the others keep every vnode", out: &out)
                return
            }
            // A node that failed during its release and rejoined (resume after that pause) is
            // released again.
            let rejoined = batch.filter { state.members[$0]?.state == .active }
            if !rejoined.isEmpty {
                for node in rejoined { state.members[node]?.state = .draining(released: false) }
                replan(now: now, resettingFailed: true, out: &out)
                schedule(now: now, out: &out)
            }
            if batch.allSatisfy({ state.members[$0]?.state == .draining(released: true) }) {
                if run.stopRequest != nil {
                    startReturn(&run, now: now, out: &out)
                } else {
                    orderRestarts(&run, now: now, out: &out)
                }
            } else if late {
                pause(&run, "release of \(label) not finished within \(run.timeout(of: .release)) ms (\(state.copies.count) copies left); the cluster keeps full redundancy: copies are made before the switch", out: &out)
            }
        case .restart:
            for node in batch where !run.returned.contains(node) && run.reconnected.contains(node) {
                guard let record = state.members[node], record.connected else { continue }
                if run.stopRequest != nil || run.accepts(record.build.softwareVersion, for: node) { run.returned.insert(node) }
            }
            if run.returned.isSuperset(of: remaining(of: batch)) {
                startReturn(&run, now: now, out: &out)
            } else if late {
                let missing = batch.filter { !run.returned.contains($0) }.map { node in
                    let seen = state.members[node].map { $0.connected && run.reconnected.contains(node) ? "back on \($0.build.softwareVersion)" : "not back" } ?? "unknown"
                    return "\(node) (\(seen), expected \(run.expectedVersion(for: node)))"
                }
                pause(&run, "restart of \(label) missed its deadline of \(run.timeout(of: .restart)) ms: \(missing.joined(separator: ", ")); the node holds no vnode, the cluster is fully redundant", out: &out)
            }
        case .returning:
            if let lost = remaining(of: batch).first(where: { state.members[$0]?.state.isLive != true }) {
                pause(&run, "\(lost) went \(state.members[lost]?.state.description ?? "away") during the return of \(label)", out: &out)
            } else if remaining(of: batch).allSatisfy({ state.members[$0]?.state == .active }) && state.target == nil
                && state.copies.isEmpty
            {
                run.enter(.healthGate, now: now)
            } else if late {
                pause(&run, "return of \(label) not finished within \(run.timeout(of: .returning)) ms (\(state.copies.count) copies left)", out: &out)
            }
        case .healthGate:
            let blockers = healthBlockers(limits: run.request.limits)
            if blockers.isEmpty {
                finishBatch(&run, now: now, out: &out)
            } else if late {
                pause(&run, "health gate after \(label) not passed within \(run.timeout(of: .healthGate)) ms: \(blockers.joined(separator: "; "))", out: &out)
            }
        }
    }

    /// The batch without the nodes the operator removed (`ctl leave` of a released node that
    /// does not come back): the upgrade goes on without them.
    private func remaining(of batch: [NodeID]) -> [NodeID] {
        batch.filter { state.members[$0] != nil && state.members[$0]?.state != .left }
    }

    private func pause(_ run: inout UpgradeRun, _ reason: String, out: inout [CoordinatorAction]) {
        // Bounded for the persisted state; cut between characters so it stays valid UTF-8.
        var bounded = ""
        for character in reason {
            guard bounded.utf8.count + character.utf8.count <= UpgradeRun.reasonBytesMax else { break }
            bounded.append(character)
        }
        run.pausedReason = bounded
        out.append(.log(.warning, "upgrade paused: \(bounded)"))
    }

    private mutating func startRelease(_ run: inout UpgradeRun, now: Int64, out: inout [CoordinatorAction]) {
        for node in run.currentBatch { state.members[node]?.state = .draining(released: false) }
        replan(now: now, resettingFailed: true, out: &out)
        schedule(now: now, out: &out)
        run.enter(.release, now: now)
        out.append(.log(.notice, "upgrade batch \(run.batchIndex + 1): releasing \(run.currentBatch.map(\.rawValue).joined(separator: ", "))"))
    }

    private func orderRestarts(_ run: inout UpgradeRun, now: Int64, out: inout [CoordinatorAction]) {
        run.enter(.restart, now: now)
        run.returned = []
        run.reconnected = []
        for node in run.currentBatch { orderRestart(node, run: run, out: &out) }
    }

    func orderRestart(_ node: NodeID, run: UpgradeRun, out: inout [CoordinatorAction]) {
        out.append(
            .restartNode(
                node, binaryPath: run.restartBinaryPath, mode: run.request.restartMode,
                deadlineMilliseconds: run.stepDeadlineMilliseconds))
        out.append(.log(.notice, "upgrade: \(node) restarts (\(run.request.restartMode)), expected back on \(run.expectedVersion(for: node))"))
    }

    /// The batch's nodes become members again: `activating` undoes their drains, so their
    /// vnodes come back to them and the placement ends as it began.
    mutating func startReturn(_ run: inout UpgradeRun, now: Int64, out: inout [CoordinatorAction]) {
        for node in run.currentBatch where state.members[node].map({ if case .draining = $0.state { true } else { false } }) == true {
            state.members[node]?.state = .joining
        }
        replan(now: now, resettingFailed: true, out: &out)
        // A release undone before its switch leaves the node active in the published table:
        // no table will be published to turn it active again, so it is active now.
        if state.target == nil, let table = state.table {
            for node in run.currentBatch where state.members[node]?.state == .joining {
                if let id = state.members[node]?.memberID, table.member(id)?.state == .active { state.members[node]?.state = .active }
            }
        }
        schedule(now: now, out: &out)
        run.enter(.returning, now: now)
    }

    private mutating func finishBatch(_ run: inout UpgradeRun, now: Int64, out: inout [CoordinatorAction]) {
        let batch = run.currentBatch
        run.nodesDone += batch.filter { node in
            state.members[node].map { run.accepts($0.build.softwareVersion, for: node) } ?? false
        }.count
        out.append(.log(.notice, "upgrade batch \(run.batchIndex + 1) done: \(run.nodesDone) of \(run.nodesTotal) nodes"))
        run.recordBatchDone(now: now)
        run.batchIndex += 1
        run.returned = []
        run.reconnected = []
        if let stop = run.stopRequest {
            stopAtBoundary(&run, stop, now: now, out: &out)
        } else if run.batchIndex >= run.batches.count {
            finish(&run, run.direction == .forward ? .completed : .rolledBack, now: now, out: &out)
        } else {
            run.enter(.preflight, now: now)
        }
    }

    private mutating func stopAtBoundary(_ run: inout UpgradeRun, _ stop: UpgradeRun.StopRequest, now: Int64, out: inout [CoordinatorAction]) {
        switch stop {
        case .abort: finish(&run, .aborted, now: now, out: &out)
        case .rollback(let path): beginRollback(&run, binaryPath: path, now: now, out: &out)
        }
    }

    /// The rollback's batches: the nodes not on their original version, last upgraded first.
    mutating func beginRollback(_ run: inout UpgradeRun, binaryPath: String?, now: Int64, out: inout [CoordinatorAction]) {
        let order = run.batches.flatMap { $0 }.reversed().filter { node in
            guard let original = run.originalVersions[node], let record = state.members[node], record.state.isLive else { return false }
            return record.build.softwareVersion != original
        }
        run.direction = .rollback
        run.rollbackBinaryPath = binaryPath
        run.stopRequest = nil
        run.batches = UpgradePlanner.batches(of: Array(order), strategy: run.request.strategy)
        run.batchIndex = 0
        run.nodesDone = 0
        run.returned = []
        run.reconnected = []
        out.append(.log(.notice, "upgrade rollback: \(order.count) nodes go back to their original version"))
        if run.batches.isEmpty {
            finish(&run, .rolledBack, now: now, out: &out)
        } else {
            run.enter(.preflight, now: now)
        }
    }

    private mutating func finish(_ run: inout UpgradeRun, _ outcome: UpgradeRun.Outcome, now: Int64, out: inout [CoordinatorAction]) {
        run.outcome = outcome
        run.finishedAtMilliseconds = now
        run.recordBatchDone(now: now)
        run.stopRequest = nil
        out.append(.log(.notice, "upgrade \(outcome): \(run.nodesDone) of \(run.nodesTotal) nodes"))
        guard outcome == .completed, run.request.autoFinalize else { return }
        upgradeRun = run
        do throws(CoordinatorError) {
            _ = try finalize(out: &out)
        } catch {
            out.append(.log(.warning, "auto-finalize refused: \(error)"))
        }
    }

    // MARK: hooks from other events

    /// A node said hello: in the restart step, that is how a batch node comes back.
    mutating func upgradeNodeConnected(_ node: NodeID, now: Int64, out: inout [CoordinatorAction]) {
        guard var run = upgradeRun, run.isRunning, run.step == .restart, run.currentBatch.contains(node),
            let record = state.members[node], record.connected, record.state == .draining(released: true)
        else { return }
        run.reconnected.insert(node)
        let version = record.build.softwareVersion
        if run.stopRequest == nil && !run.accepts(version, for: node) {
            out.append(.log(.notice, "upgrade: \(node) came back on \(version), expected \(run.expectedVersion(for: node)); waiting until the restart deadline"))
            if restartOrdersToResend.remove(node) != nil { orderRestart(node, run: run, out: &out) }
        }
        upgradeRun = run
        advanceUpgrade(now: now, out: &out)
    }

    /// A batch node told to restart is expected to be silent until its deadline: it holds no
    /// vnode, and declaring it down would drop its drain record (its return would then not
    /// restore the placement). The restart deadline bounds the wait instead.
    func isRestartingForUpgrade(_ node: NodeID) -> Bool {
        guard let run = upgradeRun, run.isRunning, run.step == .restart else { return false }
        return run.currentBatch.contains(node) && state.members[node]?.state == .draining(released: true)
    }

    /// After a coordinator restart: the clock may have changed, so the current step gets its
    /// full time again; restart orders may have been lost, so nodes that come back on a version
    /// not yet accepted get theirs again; nodes must say hello again to count as back.
    mutating func resumeUpgrade(now: Int64, out: inout [CoordinatorAction]) {
        if let upgradeStateError {
            out.append(.log(.error, "the persisted upgrade state cannot be read: \(upgradeStateError)"))
            return
        }
        guard var run = upgradeRun, run.isRunning else { return }
        run.enter(run.step, now: now)
        if run.step == .restart {
            restartOrdersToResend = Set(run.currentBatch.filter { !run.returned.contains($0) })
            run.reconnected = run.returned
        }
        upgradeRun = run
        out.append(.log(.notice, "upgrade resumes at batch \(run.batchIndex + 1) of \(run.batches.count), \(run.step)" + (run.pausedReason.map { " (paused: \($0))" } ?? "")))
        advanceUpgrade(now: now, out: &out)
    }

    // MARK: checks

    /// What keeps the next batch from being released; empty when it may go.
    func preflightBlockers(_ batch: [NodeID], atomic: Bool) -> [String] {
        var blockers = healthBlockers(limits: nil)
        for node in batch where state.members[node]?.state != .active {
            blockers.append("\(node) is \(state.members[node]?.state.description ?? "unknown"), not active")
        }
        if blockers.isEmpty, let table = state.table {
            do {
                _ = try UpgradePlanner.planBatch(batch, table: table, state: state, atomic: atomic)
            } catch {
                blockers.append("capacity: \(error)")
            }
        }
        return blockers
    }

    /// What says the cluster is not whole and healthy: a member not connected or not active, a
    /// vnode under-replicated, copies, drops or a table change pending, a client error rate
    /// over the limit (`limits` nil: not judged). Empty when healthy.
    func healthBlockers(limits: UpgradeLimits?) -> [String] {
        var blockers: [String] = []
        for record in state.members.values.sorted(by: { $0.nodeID < $1.nodeID }) where record.memberID != nil && record.state != .left {
            if !record.state.isLive || !record.connected {
                blockers.append("\(record.nodeID) is \(record.state.isLive ? "not connected" : record.state.description)")
            } else if record.state != .active {
                blockers.append("\(record.nodeID) is \(record.state)")
            }
            if let limits, let rate = record.clientErrorsPerMillion, rate > limits.clientErrorsPerMillionMax {
                blockers.append("\(record.nodeID) reports \(rate) client errors per million (limit \(limits.clientErrorsPerMillionMax))")
            }
        }
        if state.target != nil { blockers.append("a table change is pending") }
        if !state.copies.isEmpty { blockers.append("\(state.copies.count) copies still to make") }
        if state.underReplicatedVnodeCount > 0 { blockers.append("\(state.underReplicatedVnodeCount) vnodes under-replicated") }
        if !state.pendingDrops.isEmpty { blockers.append("\(state.pendingDrops.count) drops pending") }
        return blockers
    }
}
