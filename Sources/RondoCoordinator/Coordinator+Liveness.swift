import RondoCore
import RondoRing

/// Heartbeats, failure detection and what a failure sets off: promotion, a new epoch and
/// re-replication.
extension Coordinator {
    /// `appliedSequences`: for each vnode the node holds, the highest contiguous write sequence
    /// it applied; used to promote the most current replica when a primary fails. Entries for
    /// vnodes outside the cluster are ignored.
    ///
    /// The load figures are optional (nil: not reported in this heartbeat, the last ones stay):
    /// `vnodeBytes` replaces the node's per-vnode sizes (the upgrade planner's bytes to move),
    /// `memory` its memory limit and use (the planner's capacity check), and
    /// `clientErrorsPerMillion` its client error rate (the upgrade's health gate).
    public mutating func heartbeat(
        _ node: NodeID, nowMilliseconds now: Int64, appliedSequences: [Int: UInt64],
        vnodeBytes: [Int: UInt64]? = nil, memory: NodeMemoryReport? = nil, clientErrorsPerMillion: UInt32? = nil
    ) -> [CoordinatorAction] {
        run("heartbeat(\(node))") { coordinator, out in
            guard var record = coordinator.state.members[node], record.state.isLive else { return }
            defer { coordinator.dropUnknownCopies(of: record, reported: appliedSequences.keys, out: &out) }
            record.lastHeartbeatMilliseconds = max(record.lastHeartbeatMilliseconds, now)
            let vnodes = 0..<coordinator.state.vnodeCount.value
            for (vnode, sequence) in appliedSequences where vnodes.contains(vnode) {
                record.appliedSequences[vnode] = sequence
            }
            if let vnodeBytes { record.vnodeBytes = vnodeBytes.filter { vnodes.contains($0.key) } }
            if let memory { record.memory = memory }
            if let clientErrorsPerMillion { record.clientErrorsPerMillion = clientErrorsPerMillion }
            coordinator.state.members[node] = record
        }
    }

    /// Copies a node reports that the coordinator neither lists, counts as held, nor is making
    /// there are dropped: a drop lost in flight (it went out on a connection that closed with a
    /// coordinator that died; the state already counted it done), or a cancelled copy that landed
    /// anyway. Nothing else would ever remove them (simulation finding 11).
    mutating func dropUnknownCopies(of record: MemberRecord, reported vnodes: Dictionary<Int, UInt64>.Keys, out: inout [CoordinatorAction]) {
        guard let id = record.memberID, let table = state.table, record.connected else { return }
        var found = false
        for vnode in vnodes.sorted() where (0..<state.vnodeCount.value).contains(vnode) {
            let replica = VnodeReplica(vnode: vnode, member: id)
            guard !table.replicas(of: vnode).contains(id), state.target?.replicas(of: vnode).contains(id) != true,
                !state.holds(replica), state.copies[replica] == nil, state.pendingDrops[replica] == nil
            else { continue }
            state.pendingDrops[replica] = PendingDrop(replica: replica, epoch: table.epoch)
            out.append(.log(.notice, "\(record.nodeID) reports a copy of vnode \(vnode) it is not listed for: dropping it"))
            found = true
        }
        if found { issueDrops(out: &out) }
    }

    /// Time passes: members silent past `downAfter` are down, overdue transfers fail, and
    /// waiting copies start where the limits allow.
    public mutating func tick(nowMilliseconds now: Int64) -> [CoordinatorAction] {
        run("tick") { coordinator, out in
            coordinator.detectFailures(now: now, out: &out)
            coordinator.expireTransfers(now: now, out: &out)
            coordinator.retryFailedCopies(now: now, out: &out)
            coordinator.schedule(now: now, out: &out)
            coordinator.advanceUpgrade(now: now, out: &out)
        }
    }

    private mutating func detectFailures(now: Int64, out: inout [CoordinatorAction]) {
        let silent = state.members.values.filter {
            $0.state.isLive && now - $0.lastHeartbeatMilliseconds > configuration.downAfterMilliseconds
                && !isRestartingForUpgrade($0.nodeID)
        }.sorted { $0.nodeID < $1.nodeID }
        for record in silent {
            if record.state == .candidate {
                // Never joined: nothing to promote or re-replicate; forget it.
                state.removeRecord(record.nodeID)
                continue
            }
            markDown(record.nodeID, now: now, out: &out)
        }
    }

    /// Declares `node` down: forgets its copies (they are not trusted any more), takes it out of
    /// the published table — the ring promotes a holder of each vnode it was primary of — and
    /// re-replicates onto other members.
    mutating func markDown(_ node: NodeID, now: Int64, out: inout [CoordinatorAction]) {
        guard let record = state.members[node] else { return }
        if let id = record.memberID, let table = state.table, table.member(id) != nil,
            !table.members.contains(where: { $0.id != id && $0.state == .active })
        {
            // The last active member: a table cannot lose it (there would be nowhere to route),
            // and a table listing a down member is no valid state to persist or restart from. It
            // stays listed, disconnected; the silence is reported once per `downAfter` until it
            // returns. With no other copy there is nothing to promote: what it held comes back
            // with it or is lost.
            state.members[node]?.connected = false
            state.members[node]?.lastHeartbeatMilliseconds = now
            out.append(.log(.error, "\(node) is silent but the last active member: it stays in the table at epoch \(table.epoch) until it returns"))
            return
        }
        state.members[node]?.state = .down
        state.members[node]?.connected = false
        state.members[node]?.appliedSequences = [:]
        out.append(.log(.warning, "\(node) is down (silent for more than \(configuration.downAfterMilliseconds) ms)"))
        guard let id = record.memberID, let table = state.table else { return }
        forgetCopies(of: id)
        guard table.member(id) != nil else {
            acceptLostVnodes(out: &out)
            replan(now: now, resettingFailed: true, out: &out)
            return
        }
        var preferred: [Int: MemberID] = [:]
        for vnode in table.vnodes(primaryOn: id) {
            if let best = mostCurrentHolder(of: vnode) { preferred[vnode] = best }
        }
        let next: RoutingTable
        do {
            next = try table.leaving(id, preferredPrimaries: preferred)
        } catch {
            out.append(.log(.error, "\(node) was the last active member; the table stays at epoch \(table.epoch) until a node returns"))
            return
        }
        publish(next, out: &out)
        reportPromotions(formerPrimary: id, before: table, after: next, out: &out)
        acceptLostVnodes(out: &out)
        replan(now: now, resettingFailed: true, out: &out)
    }

    /// Removes a down member from every holder set, copy and drop.
    private mutating func forgetCopies(of id: MemberID) {
        var vnodes = Set(state.holderDeviations.filter { $0.value.contains(id) }.keys)
        if let table = state.table { vnodes.formUnion(table.vnodes(ownedBy: id)) }
        for vnode in vnodes { state.setHolders(vnode, state.holders(of: vnode).subtracting([id])) }
        for (replica, progress) in state.copies {
            if replica.member == id {
                state.copies[replica] = nil
            } else if case .inFlight(let transfer) = progress, transfer.source == id {
                state.copies[replica] = .waiting(attempts: transfer.attempt - 1)
            }
        }
        for replica in state.pendingDrops.keys where replica.member == id { state.pendingDrops[replica] = nil }
    }

    /// Logs the promotions, and warns where primary balance made the ring promote a holder
    /// behind the most current one (the ring honours the preference whenever balance allows).
    private func reportPromotions(
        formerPrimary id: MemberID, before: RoutingTable, after: RoutingTable, out: inout [CoordinatorAction]
    ) {
        var promoted = 0
        for vnode in before.vnodes(primaryOn: id) {
            promoted += 1
            let primary = after.primary(of: vnode)
            let best = mostCurrentHolder(of: vnode)
            if let best, best != primary, sequence(of: best, vnode) > sequence(of: primary, vnode) {
                out.append(.log(.warning, "vnode \(vnode): promoted \(primary) is behind \(best)"))
            }
        }
        out.append(.log(.info, "promoted new primaries for \(promoted) vnodes of \(id), epoch \(after.epoch)"))
    }

    func sequence(of member: MemberID, _ vnode: Int) -> UInt64 {
        state.record(of: member)?.appliedSequences[vnode] ?? 0
    }

    /// The live holder of `vnode` whose applied sequence is strictly the highest; nil on a tie,
    /// where any of them will do and balance may choose.
    func mostCurrentHolder(of vnode: Int) -> MemberID? {
        let ranked = state.holders(of: vnode).filter { isLive($0) }.map { (member: $0, sequence: sequence(of: $0, vnode)) }
            .sorted { $0.sequence > $1.sequence }
        guard let first = ranked.first, ranked.count == 1 || ranked[1].sequence < first.sequence else { return nil }
        return first.member
    }

    /// A vnode whose every holder failed has lost its data; its listed replicas are accepted as
    /// (empty) holders so that the cluster moves on, and the loss is reported.
    private mutating func acceptLostVnodes(out: inout [CoordinatorAction]) {
        guard let table = state.table else { return }
        for (vnode, holders) in state.holderDeviations where holders.isEmpty {
            state.setHolders(vnode, Set(table.replicas(of: vnode)))
            out.append(.log(.error, "vnode \(vnode) lost its data: no live member held a copy"))
        }
    }
}
