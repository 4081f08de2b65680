import RondoCore
import RondoRing

/// Operator requests. Membership changes only record the intent and replan; the copies, the
/// switch and the drops follow from transfer completions and acknowledgements.
extension Coordinator {
    public mutating func ctl(requestID: UInt64, _ command: CtlCommand, nowMilliseconds now: Int64) -> [CoordinatorAction] {
        run("ctl(\(command))") { coordinator, out in
            let response: CtlResponse
            do throws(CoordinatorError) {
                response = try coordinator.perform(command, now: now, out: &out)
            } catch {
                response = .refused(error)
            }
            out.append(.reply(requestID: requestID, response))
        }
    }

    private mutating func perform(
        _ command: CtlCommand, now: Int64, out: inout [CoordinatorAction]
    ) throws(CoordinatorError) -> CtlResponse {
        switch command {
        case .join(let node): return try join(node, now: now, out: &out)
        case .release(let node): return try release(node, now: now, out: &out)
        case .leave(let node): return try leave(node, now: now, out: &out)
        case .status: return .status(status)
        case .nodes: return .nodes(nodeSummaries)
        case .ring: return .ring(epoch: state.epoch, text: state.table?.description ?? "no routing table yet")
        case .setTransferLimits(let concurrency, let rate):
            var limits = state.transferLimits
            limits.concurrencyPerNode = concurrency
            limits.bytesPerSecond = rate
            guard limits.isValid else {
                throw .invalidTransferLimits(concurrencyPerNode: concurrency, bytesPerSecond: rate)
            }
            state.transferLimits = limits
            schedule(now: now, out: &out)
            return .done("transfer limits: \(limits)")
        case .upgradePlan(let request):
            do { return .upgradePlan(try UpgradePlanner.plan(state: state, request: request)) } catch { throw .upgradePlan(error) }
        case .upgradeStart(let request):
            try startUpgrade(request, now: now, out: &out)
            return try upgradeStatusResponse(now: now)
        case .upgradeStatus: return try upgradeStatusResponse(now: now)
        case .upgradePause:
            try pauseUpgrade(out: &out)
            return try upgradeStatusResponse(now: now)
        case .upgradeResume:
            try resumeUpgradeByOperator(now: now, out: &out)
            return try upgradeStatusResponse(now: now)
        case .upgradeAbort:
            try stopUpgrade(.abort, now: now, out: &out)
            return try upgradeStatusResponse(now: now)
        case .upgradeRollback(let path):
            try rollbackUpgrade(binaryPath: path, now: now, out: &out)
            return try upgradeStatusResponse(now: now)
        case .upgradeFinalize: return .done(try finalize(out: &out))
        }
    }

    private mutating func join(_ node: NodeID, now: Int64, out: inout [CoordinatorAction]) throws(CoordinatorError) -> CtlResponse {
        guard var record = state.members[node] else { throw .unknownNode(node) }
        switch record.state {
        case .candidate:
            guard record.connected else { throw .notConnected(node) }
        case .draining:
            break
        case .joining, .active:
            throw .alreadyMember(node, record.state)
        case .down:
            throw .nodeIsDown(node)
        case .left:
            throw .notConnected(node)
        }
        record.state = .joining
        state.members[node] = record
        if record.memberID == nil {
            state.assign(MemberID(state.nextMemberID), to: node)
            state.nextMemberID += 1
            record = state.members[node]!
        }
        guard state.table != nil else {
            try bootstrap(record, out: &out)
            return .done("\(node) is the first member (\(record.memberID!)), epoch \(state.epoch)")
        }
        replan(now: now, resettingFailed: true, out: &out)
        schedule(now: now, out: &out)
        return .done("\(node) (\(record.memberID!)) is joining; target epoch \(state.target?.epoch ?? state.epoch)")
    }

    /// The first member gets the whole ring at once: there is nothing to copy yet.
    private mutating func bootstrap(_ record: MemberRecord, out: inout [CoordinatorAction]) throws(CoordinatorError) {
        let descriptor = NodeDescriptor(id: record.memberID!, host: record.addresses.peer.host)
        do {
            let table = try RoutingTable.initial(
                vnodeCount: state.vnodeCount, replicaCount: state.replicaCount, nodes: [descriptor])
            publish(table, out: &out)
        } catch {
            throw .ring(error)
        }
    }

    private mutating func release(_ node: NodeID, now: Int64, out: inout [CoordinatorAction]) throws(CoordinatorError) -> CtlResponse {
        guard let record = state.members[node] else { throw .unknownNode(node) }
        guard record.state == .active else { throw .notActive(node, record.state) }
        let othersActive = state.members.values.contains { $0.nodeID != node && $0.state == .active }
        guard othersActive else { throw .lastActiveMember(node) }
        state.members[node]?.state = .draining(released: false)
        replan(now: now, resettingFailed: true, out: &out)
        schedule(now: now, out: &out)
        return .done("\(node) is draining; target epoch \(state.target?.epoch ?? state.epoch)")
    }

    private mutating func leave(_ node: NodeID, now: Int64, out: inout [CoordinatorAction]) throws(CoordinatorError) -> CtlResponse {
        guard let record = state.members[node] else { throw .unknownNode(node) }
        switch record.state {
        case .draining(released: true):
            if let table = state.table, let id = record.memberID, table.member(id) != nil {
                do { publish(try table.leaving(id), out: &out) } catch { throw .ring(error) }
            }
        case .down:
            break
        default:
            throw .notReleasedOrDown(node, record.state)
        }
        state.members[node]?.state = .left
        replan(now: now, resettingFailed: false, out: &out)
        schedule(now: now, out: &out)
        return .done("\(node) left; epoch \(state.epoch)")
    }
}
