import RondoCore
import RondoPeer
import RondoRing

extension Coordinator {
    /// A node (or ctl session) said hello. Admission is `HandshakePolicy` (cluster name,
    /// finalize, skew, protocol, duplicate id); this adds who the cluster's members are. A node
    /// that was declared down or left comes back empty and, if it was a member, rejoins.
    ///
    /// `holdsNoData`: the node is a new process that holds no copy (it restarted). A member that
    /// comes back so before it was declared down (a quick restart, or a restarted coordinator
    /// that gave every member `downAfter` again) is declared down at once, so that it rejoins
    /// empty instead of being trusted with copies it lost.
    public mutating func nodeConnected(
        hello: Hello, addresses: MemberAddresses, holdsNoData: Bool = false, nowMilliseconds now: Int64
    ) -> [CoordinatorAction] {
        run("nodeConnected(\(hello.nodeID))") { coordinator, out in
            // A released member holds no copy: it may restart (a rolling upgrade restarts it on
            // purpose) without being declared down, which keeps its drain record so that its
            // return restores the placement it left. Nor is a member the coordinator counts on
            // for no copy declared down: nothing it lost is trusted, and declaring it down would
            // drop its drain record too (a returning upgrade node whose acceptance died with the
            // previous coordinator says hello holding no data; simulation finding 9).
            if holdsNoData, hello.role == .node, let record = coordinator.state.members[hello.nodeID], let id = record.memberID,
                record.state.isLive, record.state != .candidate, record.state != .draining(released: true),
                coordinator.state.holdsAnyCopy(id)
            {
                coordinator.markDown(hello.nodeID, now: now, out: &out)
            }
            coordinator.admit(hello: hello, addresses: addresses, now: now, out: &out)
            coordinator.upgradeNodeConnected(hello.nodeID, now: now, out: &out)
        }
    }

    /// The node's connection closed. It stays a member until `downAfter` passes without a
    /// heartbeat; meanwhile it may reconnect under the same id.
    public mutating func nodeDisconnected(_ node: NodeID, nowMilliseconds now: Int64) -> [CoordinatorAction] {
        run("nodeDisconnected(\(node))") { coordinator, _ in
            coordinator.state.members[node]?.connected = false
        }
    }

    func handshakePolicy(now: Int64) -> HandshakePolicy {
        let downAfter = configuration.downAfterMilliseconds
        let inUse = Set(
            state.members.values.filter {
                $0.state.isLive && $0.connected && now - $0.lastHeartbeatMilliseconds <= downAfter
            }.map(\.nodeID))
        let versions = state.members.values.filter { $0.state.isLive }.map(\.build.softwareVersion)
        return HandshakePolicy(
            clusterName: state.clusterName, localNodeID: configuration.localNodeID, build: configuration.build,
            memberSoftwareVersions: versions, finalizedVersion: state.finalizedVersion,
            minorVersionSkewMax: configuration.minorVersionSkewMax, isNodeIDInUse: { inUse.contains($0) })
    }

    private mutating func admit(hello: Hello, addresses: MemberAddresses, now: Int64, out: inout [CoordinatorAction]) {
        let node = hello.nodeID
        let decision = handshakePolicy(now: now).decide(hello)
        if case .refuse(let refusal) = decision {
            out.append(.answerHello(node, decision, startEmpty: false))
            out.append(.log(.notice, "refused \(node): \(refusal)"))
            return
        }
        guard hello.role == .node else {
            out.append(.answerHello(node, decision, startEmpty: false))
            return
        }
        guard makeRoomForRecord(of: node) else {
            let refusal = HandshakeRefusal.malformed(detail: "the cluster already knows \(RingLimits.membersMax) nodes")
            out.append(.answerHello(node, .refuse(refusal), startEmpty: false))
            out.append(.log(.warning, "refused \(node): member limit reached"))
            return
        }
        var startEmpty = false
        if var record = state.members[node] {
            switch record.state {
            case .down:
                // Its data is not trusted: it comes back empty and is filled by transfers.
                record.state = .joining
                startEmpty = true
                out.append(.log(.info, "\(node) is back after being down: rejoining empty"))
            case .left:
                record.state = .candidate
                startEmpty = true
            case .candidate, .joining, .active, .draining:
                break
            }
            record.addresses = addresses
            record.build = hello.build
            record.connected = true
            record.lastHeartbeatMilliseconds = now
            if startEmpty {
                // A new incarnation: what the old one applied or acknowledged says nothing now.
                record.appliedSequences = [:]
                record.acknowledgedEpoch = 0
            }
            state.members[node] = record
        } else {
            state.members[node] = MemberRecord(nodeID: node, addresses: addresses, build: hello.build, nowMilliseconds: now)
            out.append(.log(.info, "\(node) connected (\(hello.build.softwareVersion)); join it with ctl join"))
        }
        out.append(.answerHello(node, decision, startEmpty: startEmpty))
        if let push = tablePush(to: [node]) { out.append(.pushTable(push)) }
        if startEmpty { replan(now: now, resettingFailed: true, out: &out) }
        schedule(now: now, out: &out)
    }

    /// Keeps the record count within `RingLimits.membersMax` by forgetting nodes that left
    /// (their `MemberID`s stay retired because `nextMemberID` only grows).
    private mutating func makeRoomForRecord(of node: NodeID) -> Bool {
        guard state.members[node] == nil, state.members.count >= RingLimits.membersMax else { return true }
        for record in state.members.values where record.state == .left || record.state == .candidate && !record.connected {
            state.removeRecord(record.nodeID)
            if state.members.count < RingLimits.membersMax { return true }
        }
        return false
    }

    /// The published table with its directory, for `recipients` (every connected live node
    /// when nil).
    func tablePush(to recipients: [NodeID]? = nil) -> TablePush? {
        guard let table = state.table else { return nil }
        let to = recipients ?? state.members.values.filter { $0.state.isLive && $0.connected }.map(\.nodeID).sorted()
        guard !to.isEmpty else { return nil }
        let directory = table.members.compactMap { member -> DirectoryEntry? in
            guard let record = state.record(of: member.id) else { return nil }
            return DirectoryEntry(memberID: member.id.value, nodeID: record.nodeID, addresses: record.addresses)
        }
        return TablePush(
            epoch: table.epoch, table: table.encoded(), directory: directory, recipients: to,
            activeFeatures: activeFeatures, finalizedVersion: state.finalizedVersion)
    }
}
