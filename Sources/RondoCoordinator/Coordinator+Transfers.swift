import RondoCore
import RondoRing

/// Running copies within the limits, hearing their end, and issuing drops.
extension Coordinator {
    /// The target finished receiving `vnode`; `sequence` is the last write sequence it applied.
    public mutating func transferCompleted(
        vnode: Int, target: NodeID, sequence: UInt64, bytes: UInt64, nowMilliseconds now: Int64
    ) -> [CoordinatorAction] {
        run("transferCompleted(\(vnode) → \(target))") { coordinator, out in
            coordinator.complete(vnode: vnode, target: target, sequence: sequence, bytes: bytes, now: now, out: &out)
            coordinator.advanceUpgrade(now: now, out: &out)
        }
    }

    /// The transfer of `vnode` to `target` broke off; it is retried up to
    /// `transferAttemptsMax` tries, then reported.
    public mutating func transferFailed(
        vnode: Int, target: NodeID, reason: String, nowMilliseconds now: Int64
    ) -> [CoordinatorAction] {
        run("transferFailed(\(vnode) → \(target))") { coordinator, out in
            guard let replica = coordinator.replica(vnode: vnode, node: target),
                case .inFlight(let transfer) = coordinator.state.copies[replica]
            else { return }
            coordinator.fail(replica, transfer, reason: String(reason.prefix(200)), now: now, out: &out)
            coordinator.schedule(now: now, out: &out)
        }
    }

    /// A node applied the table of `epoch`: drops that waited for it may go ahead.
    public mutating func nodeAcknowledgedEpoch(_ node: NodeID, epoch: UInt64, nowMilliseconds now: Int64) -> [CoordinatorAction] {
        run("nodeAcknowledgedEpoch(\(node), \(epoch))") { coordinator, out in
            guard let record = coordinator.state.members[node], record.state.isLive,
                epoch > record.acknowledgedEpoch, epoch <= coordinator.state.epoch
            else { return }
            coordinator.state.members[node]?.acknowledgedEpoch = epoch
            coordinator.issueDrops(out: &out)
            coordinator.advanceUpgrade(now: now, out: &out)
        }
    }

    func replica(vnode: Int, node: NodeID) -> VnodeReplica? {
        guard (0..<state.vnodeCount.value).contains(vnode), let id = state.members[node]?.memberID else { return nil }
        return VnodeReplica(vnode: vnode, member: id)
    }

    private mutating func complete(
        vnode: Int, target: NodeID, sequence: UInt64, bytes: UInt64, now: Int64, out: inout [CoordinatorAction]
    ) {
        guard let replica = replica(vnode: vnode, node: target) else { return }
        guard case .inFlight = state.copies[replica] else {
            out.append(.log(.debug, "ignored a late completion of \(replica)"))
            // The copy exists on the node although nothing needs it any more: have it dropped.
            if state.members[target]?.state.isLive == true, !state.holds(replica) {
                state.setHolders(vnode, state.holders(of: vnode).union([replica.member]))
                reconcileDrops()
                issueDrops(out: &out)
            }
            return
        }
        state.copies[replica] = nil
        state.setHolders(vnode, state.holders(of: vnode).union([replica.member]))
        state.counters.transfersCompleted += 1
        state.counters.bytesTransferred &+= bytes
        let applied = state.members[target]?.appliedSequences[vnode] ?? 0
        state.members[target]?.appliedSequences[vnode] = max(applied, sequence)
        maybeSwitch(now: now, out: &out)
        issueDrops(out: &out)
        schedule(now: now, out: &out)
    }

    mutating func fail(
        _ replica: VnodeReplica, _ transfer: InFlightTransfer, reason: String, now: Int64, out: inout [CoordinatorAction]
    ) {
        if transfer.attempt < configuration.transferAttemptsMax {
            state.copies[replica] = .waiting(attempts: transfer.attempt)
            out.append(.log(.info, "copy of \(replica) failed (\(reason)), try \(transfer.attempt) of \(configuration.transferAttemptsMax)"))
        } else {
            state.copies[replica] = .failed(attempts: transfer.attempt, atMilliseconds: now)
            state.counters.transfersFailed += 1
            out.append(.log(.error, "copy of \(replica) failed \(transfer.attempt) times (\(reason)); giving up for \(configuration.failedCopyRetryAfterMilliseconds) ms"))
        }
    }

    /// Transfers with no word within the timeout count as failed.
    mutating func expireTransfers(now: Int64, out: inout [CoordinatorAction]) {
        for (replica, progress) in state.copies {
            guard case .inFlight(let transfer) = progress,
                now - transfer.startedAtMilliseconds >= configuration.transferTimeoutMilliseconds
            else { continue }
            fail(replica, transfer, reason: "timed out", now: now, out: &out)
        }
    }

    /// Copies given up long enough ago get a fresh set of tries: a lasting fault keeps being
    /// reported at that pace, a passing one heals without the operator.
    mutating func retryFailedCopies(now: Int64, out: inout [CoordinatorAction]) {
        for (replica, progress) in state.copies {
            guard case .failed(_, let failedAt) = progress,
                now - failedAt >= configuration.failedCopyRetryAfterMilliseconds
            else { continue }
            state.copies[replica] = .waiting(attempts: 0)
            out.append(.log(.notice, "retrying the copy of \(replica)"))
        }
    }

    /// Starts waiting copies, lowest vnode first, while the global and per-node limits allow.
    /// The source is the published primary when it holds a copy (it has the newest writes),
    /// otherwise the live holder with the highest applied sequence.
    mutating func schedule(now: Int64, out: inout [CoordinatorAction]) {
        let limits = state.transferLimits
        var busy: [MemberID: Int] = [:]
        var inFlight = 0
        // Packed (vnode, member) keys: sorting plain integers keeps this cheap per event.
        var waiting: [UInt64] = []
        for (replica, progress) in state.copies {
            guard case .inFlight(let transfer) = progress else { continue }
            inFlight += 1
            busy[replica.member, default: 0] += 1
            busy[transfer.source, default: 0] += 1
        }
        guard inFlight < limits.inFlightMax else { return }
        // Only copies whose target has room can start now.
        for (replica, progress) in state.copies where busy[replica.member, default: 0] < limits.concurrencyPerNode {
            if case .waiting = progress { waiting.append(UInt64(replica.vnode) << 32 | UInt64(replica.member.value)) }
        }
        guard inFlight < limits.inFlightMax, !waiting.isEmpty else { return }
        // Usually one or two slots are free (a transfer just ended): look at the few lowest keys
        // first, then at a wider window when busy sources blocked them. Copies beyond the window
        // wait for a later event; every transfer ends (done, failed or timed out), so they start.
        let free = limits.inFlightMax - inFlight
        let candidates = Coordinator.lowest(waiting, count: min(free, 8) + 8)
        startWaiting(candidates, now: now, busy: &busy, inFlight: &inFlight, out: &out)
        if inFlight < limits.inFlightMax && candidates.count < waiting.count {
            let wider = Coordinator.lowest(waiting, count: Coordinator.scheduleWindowMax)
            startWaiting(wider, now: now, busy: &busy, inFlight: &inFlight, out: &out)
        }
    }

    /// How many waiting copies one scheduling pass considers at most.
    static let scheduleWindowMax = 128

    /// The `count` smallest keys, ascending, in one pass.
    static func lowest(_ keys: [UInt64], count: Int) -> [UInt64] {
        guard keys.count > count else { return keys.sorted() }
        var result: [UInt64] = []
        result.reserveCapacity(count + 1)
        for key in keys where result.count < count || key < result[result.count - 1] {
            var index = result.count
            while index > 0 && result[index - 1] > key { index -= 1 }
            result.insert(key, at: index)
            if result.count > count { result.removeLast() }
        }
        return result
    }

    private mutating func startWaiting(
        _ keys: [UInt64], now: Int64, busy: inout [MemberID: Int], inFlight: inout Int, out: inout [CoordinatorAction]
    ) {
        let limits = state.transferLimits
        for key in keys {
            guard inFlight < limits.inFlightMax else { break }
            let replica = VnodeReplica(vnode: Int(key >> 32), member: MemberID(UInt32(truncatingIfNeeded: key)))
            guard busy[replica.member, default: 0] < limits.concurrencyPerNode,
                case .waiting(let attempts) = state.copies[replica],
                let source = source(for: replica.vnode),
                busy[source, default: 0] < limits.concurrencyPerNode,
                let sourceNode = state.nodeID(of: source), let targetNode = state.nodeID(of: replica.member)
            else { continue }
            let transfer = InFlightTransfer(
                source: source, startedAtMilliseconds: now, attempt: attempts + 1,
                bytesPerSecond: limits.bytesPerSecondPerTransfer)
            state.copies[replica] = .inFlight(transfer)
            busy[source, default: 0] += 1
            busy[replica.member, default: 0] += 1
            inFlight += 1
            out.append(
                .startTransfer(
                    TransferOrder(
                        vnode: replica.vnode, source: sourceNode, target: targetNode, targetMemberID: replica.member.value,
                        bytesPerSecond: transfer.bytesPerSecond, attempt: transfer.attempt)))
        }
    }

    func source(for vnode: Int) -> MemberID? {
        let holders = state.holders(of: vnode).filter { isLive($0) && state.record(of: $0)?.connected == true }
        if let primary = state.table?.primary(of: vnode), holders.contains(primary) { return primary }
        return holders.max { left, right in
            let l = state.record(of: left)?.appliedSequences[vnode] ?? 0
            let r = state.record(of: right)?.appliedSequences[vnode] ?? 0
            return l != r ? l < r : left > right
        }
    }

    /// Issues the drops whose epoch every live member of the published table acknowledged, for
    /// vnodes whose listed replicas all hold their copy.
    mutating func issueDrops(out: inout [CoordinatorAction]) {
        guard let table = state.table, !state.pendingDrops.isEmpty else { return }
        let acknowledged = table.members.compactMap { state.record(of: $0.id) }
            .filter { $0.state.isLive }.map(\.acknowledgedEpoch).min() ?? UInt64.max
        for (replica, drop) in state.pendingDrops.sorted(by: { $0.key < $1.key }) where drop.epoch <= acknowledged {
            // A copy the table no longer lists may still be the only source for a listed replica
            // that lacks its copy (a failure can re-seat replicas): keep it until they are filled.
            guard Set(table.replicas(of: replica.vnode)).isSubset(of: state.holders(of: replica.vnode)) else { continue }
            state.pendingDrops[replica] = nil
            state.setHolders(replica.vnode, state.holders(of: replica.vnode).subtracting([replica.member]))
            guard let record = state.record(of: replica.member), record.state.isLive else { continue }
            state.counters.dropsIssued += 1
            out.append(.dropVnode(node: record.nodeID, vnode: replica.vnode))
        }
        updateReleased()
    }
}
