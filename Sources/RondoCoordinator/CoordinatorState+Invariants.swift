import RondoCore
import RondoRing

extension CoordinatorState {
    /// Checks what must hold between events: a valid published table (so every vnode has
    /// `min(replicas, active members)` distinct replicas) listing only live members — never a
    /// down node, as primary or otherwise —, a target above it, ids never reused, copies and
    /// holders only on live members, drops only of replicas the table no longer lists. Run after
    /// every event when `checksInvariants` is set and on every decoded state. `validatingTables:
    /// false` skips re-validating the tables (the costly part) when the caller knows they did not
    /// change since they were last checked.
    public func checkInvariants(validatingTables: Bool = true) throws(CoordinatorInvariantViolation) {
        var live: [MemberID: MembershipState] = [:]
        var nodes: [MemberID: NodeID] = [:]
        for record in members.values {
            guard let id = record.memberID else { continue }
            guard nodes[id] == nil else { throw .duplicateMemberID(id) }
            guard id.value < nextMemberID else { throw .memberIDNotBelowNext(id) }
            guard nodeIDsByMember[id] == record.nodeID else { throw .memberIndexStale(id) }
            nodes[id] = record.nodeID
            live[id] = record.state
        }
        if let table {
            if validatingTables {
                do { try table.validate() } catch { throw .table(error) }
            }
            guard table.vnodeCount == vnodeCount, table.replicaCount == replicaCount else { throw .tableShapeMismatch }
            for member in table.members {
                guard let state = live[member.id], let node = nodes[member.id] else { throw .tableListsUnknownMember(member.id) }
                guard state.isLive, state != .candidate else { throw .tableListsMemberThatIsNotLive(node, state) }
            }
            for replica in pendingDrops.keys where table.replicas(of: replica.vnode).contains(replica.member) {
                throw .dropOfListedReplica(replica)
            }
        }
        if let target {
            guard let table else { throw .targetWithoutTable }
            guard target.epoch > table.epoch else { throw .targetNotAfterTable(table: table.epoch, target: target.epoch) }
            if validatingTables {
                do { try target.validate() } catch { throw .table(error) }
            }
        }
        for (vnode, holders) in holderDeviations {
            for member in holders where live[member]?.isLive != true {
                throw .holderNotLive(VnodeReplica(vnode: vnode, member: member))
            }
        }
        guard copies.count <= vnodeCount.value * replicaCount * 2 else { throw .tooManyCopies(copies.count) }
        for (replica, progress) in copies {
            guard live[replica.member]?.isLive == true else { throw .copyForMemberThatIsNotLive(replica) }
            if case .inFlight(let transfer) = progress, live[transfer.source]?.isLive != true {
                throw .copyForMemberThatIsNotLive(replica)
            }
        }
    }
}
