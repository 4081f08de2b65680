import RondoCore
import RondoRing

/// Turning membership intents into tables: the target table, the copies it needs, the switch
/// once they are done, and the drops that follow.
extension Coordinator {
    /// Makes `table` the published table and pushes it. Who holds which copy does not change:
    /// holders are carried over, so replicas the new table lists without a copy show up as
    /// missing (to be filled) and old holders it no longer lists as extra (to be dropped).
    mutating func publish(_ table: RoutingTable, out: inout [CoordinatorAction]) {
        if let old = state.table {
            precondition(table.epoch > old.epoch, "epochs only grow")
            var touched = Set(state.holderDeviations.keys)
            for migration in RoutingTable.diff(from: old, to: table).migrations { touched.insert(migration.vnode) }
            let carried = touched.map { ($0, state.holders(of: $0)) }
            state.table = table
            state.holderDeviations = [:]
            for (vnode, holders) in carried { state.setHolders(vnode, holders) }
        } else {
            state.table = table
        }
        for (node, record) in state.members {
            guard let id = record.memberID, let member = table.member(id) else { continue }
            if record.state == .joining && member.state == .active { state.members[node]?.state = .active }
        }
        if let push = tablePush() { out.append(.pushTable(push)) }
        out.append(.log(.info, "published epoch \(table.epoch)"))
    }

    /// The table the current intents lead to, from the published one: joins (and re-activations
    /// of draining members), then drains. Intents the ring refuses are reported and skipped.
    func desiredTable(from table: RoutingTable, out: inout [CoordinatorAction]) -> RoutingTable {
        var desired = table
        let records = state.members.values.filter { $0.memberID != nil }.sorted { $0.memberID! < $1.memberID! }
        // New members in ascending order, then re-activations in descending order: members
        // drained together (an upgrade batch) were drained in ascending order, and undoing the
        // drains last-first lets each `activating` restore the placement exactly.
        let joining = records.filter { $0.state == .joining }
        let ordered = joining.filter { table.member($0.memberID!) == nil } + joining.filter { table.member($0.memberID!) != nil }.reversed()
        for record in ordered {
            let id = record.memberID!
            do {
                switch desired.member(id)?.state {
                case nil: desired = try desired.joining(NodeDescriptor(id: id, host: record.addresses.peer.host))
                case .draining: desired = try desired.activating(id)
                case .active: break
                }
            } catch {
                out.append(.log(.warning, "cannot place \(record.nodeID): \(error)"))
            }
        }
        for record in records where record.state == .draining(released: false) {
            guard desired.member(record.memberID!)?.state == .active else { continue }
            do { desired = try desired.draining(record.memberID!) } catch {
                out.append(.log(.warning, "cannot release \(record.nodeID): \(error)"))
            }
        }
        return desired
    }

    /// Recomputes the target table and the copies needed for the published and target tables.
    /// Copies no longer needed are forgotten (a late completion then leads to a drop); failed
    /// copies are queued again when `resettingFailed` (a membership change or a failure).
    mutating func replan(now: Int64, resettingFailed: Bool, out: inout [CoordinatorAction]) {
        guard let table = state.table else { return }
        let desired = desiredTable(from: table, out: &out)
        state.target = desired == table ? nil : desired
        var needed: Set<VnodeReplica> = []
        for vnode in 0..<state.vnodeCount.value {
            var wanted = table.replicas(of: vnode)
            if let target = state.target { wanted += target.replicas(of: vnode) }
            let holders = state.holders(of: vnode)
            for member in wanted where !holders.contains(member) && isLive(member) {
                needed.insert(VnodeReplica(vnode: vnode, member: member))
            }
        }
        for replica in state.copies.keys where !needed.contains(replica) { state.copies[replica] = nil }
        for replica in needed {
            switch state.copies[replica] {
            case nil: state.copies[replica] = .waiting(attempts: 0)
            case .failed where resettingFailed: state.copies[replica] = .waiting(attempts: 0)
            default: break
            }
        }
        reconcileDrops()
        updateReleased()
        maybeSwitch(now: now, out: &out)
    }

    /// Publishes the target once every replica it lists holds a copy.
    mutating func maybeSwitch(now: Int64, out: inout [CoordinatorAction]) {
        guard let target = state.target else { return }
        // Cheap test first: a copy still to make for a replica the target lists.
        for replica in state.copies.keys where target.replicas(of: replica.vnode).contains(replica.member) { return }
        for vnode in 0..<state.vnodeCount.value {
            let holders = state.holders(of: vnode)
            for member in target.replicas(of: vnode) where !holders.contains(member) { return }
        }
        publish(target, out: &out)
        state.target = nil
        replan(now: now, resettingFailed: false, out: &out)
    }

    /// Every copy that neither the published nor the target table lists is dropped once every
    /// live member acknowledged the published epoch; a copy listed again keeps its data.
    mutating func reconcileDrops() {
        guard let table = state.table else { return }
        for (replica, _) in state.pendingDrops {
            if table.replicas(of: replica.vnode).contains(replica.member)
                || state.target?.replicas(of: replica.vnode).contains(replica.member) == true
            {
                state.pendingDrops[replica] = nil
            }
        }
        for (vnode, holders) in state.holderDeviations {
            let listed = Set(table.replicas(of: vnode) + (state.target?.replicas(of: vnode) ?? []))
            for member in holders where !listed.contains(member) {
                let replica = VnodeReplica(vnode: vnode, member: member)
                if state.pendingDrops[replica] == nil {
                    state.pendingDrops[replica] = PendingDrop(replica: replica, epoch: table.epoch)
                }
            }
        }
    }

    /// A draining member is released once the published table assigns it nothing and it holds
    /// no copy any more.
    mutating func updateReleased() {
        guard let table = state.table else { return }
        for (node, record) in state.members where record.state == .draining(released: false) {
            guard let id = record.memberID, table.member(id)?.state == .draining else { continue }
            let holdsSomething = state.holderDeviations.values.contains { $0.contains(id) }
            if !holdsSomething { state.members[node]?.state = .draining(released: true) }
        }
    }
}
