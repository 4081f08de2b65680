import RondoRing

/// What `ctl status` and `ctl nodes` report.
extension Coordinator {
    public var nodeSummaries: [NodeSummary] {
        var replicas: [MemberID: Int] = [:]
        var primaries: [MemberID: Int] = [:]
        if let table = state.table {
            for vnode in 0..<table.vnodeCount.value {
                let list = table.replicas(of: vnode)
                primaries[list[0], default: 0] += 1
                for member in list { replicas[member, default: 0] += 1 }
            }
        }
        return state.members.values.sorted { $0.nodeID < $1.nodeID }.map { record in
            NodeSummary(
                nodeID: record.nodeID, memberID: record.memberID?.value, state: record.state,
                connected: record.connected, version: record.build.softwareVersion.description,
                addresses: record.addresses, acknowledgedEpoch: record.acknowledgedEpoch,
                replicaCount: record.memberID.flatMap { replicas[$0] } ?? 0,
                primaryCount: record.memberID.flatMap { primaries[$0] } ?? 0)
        }
    }

    public var status: ClusterStatus {
        var waiting = 0
        var inFlight = 0
        var failed = 0
        for progress in state.copies.values {
            switch progress {
            case .waiting: waiting += 1
            case .inFlight: inFlight += 1
            case .failed: failed += 1
            }
        }
        return ClusterStatus(
            clusterName: state.clusterName, epoch: state.epoch, targetEpoch: state.target?.epoch,
            nodes: nodeSummaries, transfersWaiting: waiting, transfersInFlight: inFlight,
            transfersFailed: failed, transfersCompleted: state.counters.transfersCompleted,
            bytesTransferred: state.counters.bytesTransferred, dropsPending: state.pendingDrops.count,
            underReplicatedVnodes: state.underReplicatedVnodeCount, transferLimits: state.transferLimits)
    }
}
