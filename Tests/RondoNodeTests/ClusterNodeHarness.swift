import NIOCore
import RondoCluster
import RondoCore
import RondoNode
import RondoPeer
import RondoRing
import RondoStorage
import XCTest

/// Builds `ClusterNode`s and tables for unit tests: three members n1, n2, n3 (member numbers
/// 1, 2, 3), tables from `RoutingTable.build`.
enum ClusterNodeHarness {
    static let vnodeCount = try! VnodeCount(8)
    static let n1 = NodeID("n1")!
    static let n2 = NodeID("n2")!
    static let n3 = NodeID("n3")!

    static func instant(_ milliseconds: Int64) -> ClusterInstant { ClusterInstant(milliseconds: milliseconds) }

    static func makeNode(
        _ nodeID: NodeID, replication: ReplicationConfiguration = ReplicationConfiguration(writeAckPolicy: .all),
        configure: (inout ClusterNodeConfiguration) -> Void = { _ in }
    ) -> ClusterNode {
        let store = ItemStore(
            configuration: StoreConfiguration(memoryLimitBytes: 8 << 20, vnodeCount: vnodeCount, shardCount: 1), clock: ManualClock())
        var configuration = ClusterNodeConfiguration(replication: replication)
        configure(&configuration)
        return ClusterNode(nodeID: nodeID, configuration: configuration, store: store, now: instant(0))
    }

    static func member(_ id: UInt32, _ node: NodeID) -> NodeMember {
        NodeMember(memberID: MemberID(id), nodeID: node, clientHost: node.rawValue, clientPort: 11211, peerHost: node.rawValue, peerPort: 7000)
    }
}

extension ClusterNodeHarness {
    /// The first table of a three-node cluster with `replicaCount` replicas (epoch 1).
    static func initialTable(replicaCount: Int) throws -> RoutingTable {
        try RoutingTable.initial(vnodeCount: vnodeCount, replicaCount: replicaCount, nodes: (1...3).map { NodeDescriptor(id: MemberID($0)) })
    }

    static let directory = [member(1, n1), member(2, n2), member(3, n3)]

    static func update(_ table: RoutingTable, directory: [NodeMember] = directory) -> NodeTableUpdate {
        NodeTableUpdate(epoch: table.epoch, encodedTable: table.encoded(), directory: directory)
    }

    static func nodeID(of member: MemberID) -> NodeID {
        directory.first { $0.memberID == member }!.nodeID
    }

    /// A key of the given vnode.
    static func key(inVnode vnode: Int, of node: ClusterNode) -> ByteBuffer {
        for index in 0..<100_000 {
            let key = ByteBuffer(string: "key-\(index)")
            if node.vnode(of: key) == vnode { return key }
        }
        fatalError("no key found for vnode \(vnode)")
    }

    /// Two nodes that installed the initial 2-copy table: `source` (n1) is the primary of `vnode`,
    /// `target` holds no copy of it — the two ends of a transfer of that vnode.
    struct TransferEnds {
        var vnode: Int
        var source: ClusterNode
        var target: ClusterNode
        var targetID: NodeID
        var targetMember: MemberID
    }

    static func transferEnds() throws -> TransferEnds {
        let table = try initialTable(replicaCount: 2)
        let vnode = try XCTUnwrap((0..<vnodeCount.value).first { table.primary(of: $0) == MemberID(1) })
        let targetID = nodeID(of: try XCTUnwrap(table.members.map(\.id).first { !table.replicas(of: vnode).contains($0) }))
        let targetMember = try XCTUnwrap(directory.first { $0.nodeID == targetID }?.memberID)
        let source = makeNode(n1)
        let target = makeNode(targetID)
        for node in [source, target] { _ = node.receiveFromCoordinator(.table(update(table)), now: instant(0)) }
        return TransferEnds(vnode: vnode, source: source, target: target, targetID: targetID, targetMember: targetMember)
    }

    /// Stores `count` items of the vnode straight into the node's store (keys `<prefix>-<n>`, values
    /// of `valueBytes` bytes); returns their keys.
    @discardableResult
    static func fill(_ node: ClusterNode, vnode: Int, count: Int, valueBytes: Int = 100, keyPrefix: String = "bulk") -> [ByteBuffer] {
        var keys: [ByteBuffer] = []
        for index in 0..<1_000_000 where keys.count < count {
            let key = ByteBuffer(string: "\(keyPrefix)-\(index)")
            guard node.vnode(of: key) == vnode else { continue }
            _ = node.store.store(key, value: ByteBuffer(repeating: 0x61, count: valueBytes), flags: 0, expiresAt: 0, mode: .set)
            keys.append(key)
        }
        return keys
    }

    /// Ticks `source` at `start`, then carries the peer messages between it and `target`, one a
    /// millisecond, until none is left (at most 100 deliveries); returns what both told the
    /// coordinator meanwhile.
    @discardableResult
    static func carryMessages(from source: ClusterNode, to target: ClusterNode, startingAt start: Int64) -> [NodeMessage] {
        var inFlight: [(from: NodeID, to: NodeID, NodeMessage)] = source.tick(now: instant(start)).peerMessages.map {
            (source.nodeID, $0.0, $0.1)
        }
        var toCoordinator: [NodeMessage] = []
        var now = start
        while !inFlight.isEmpty, now < start + 100 {
            now += 1
            let (from, to, message) = inFlight.removeFirst()
            let effects = (to == source.nodeID ? source : target).receive(message, from: from, now: instant(now))
            inFlight += effects.peerMessages.map { (to, $0.0, $0.1) }
            toCoordinator += effects.coordinatorMessages
        }
        return toCoordinator
    }

    /// Stores a value on the node's store as the front end would, then records the write.
    static func write(_ value: String, to key: ByteBuffer, on node: ClusterNode, now: ClusterInstant) throws -> (WriteID, [NodeEffect]) {
        let vnode = node.vnode(of: key)
        try node.admitWrite(vnode: vnode)
        _ = node.store.store(key, value: ByteBuffer(string: value), flags: 0, expiresAt: 0, mode: .set)
        return try node.recordWrite(key: key, vnode: vnode, now: now)
    }
}

/// Effects picked apart for assertions.
extension Array where Element == NodeEffect {
    var peerMessages: [(NodeID, NodeMessage)] {
        compactMap { if case .sendToPeer(let peer, let message) = $0 { return (peer, message) } else { return nil } }
    }

    var coordinatorMessages: [NodeMessage] {
        compactMap { if case .sendToCoordinator(let message) = $0 { return message } else { return nil } }
    }

    var completedWrites: [WriteID] {
        compactMap { if case .completeWrite(let id) = $0 { return id } else { return nil } }
    }

    var incidents: [NodeIncident] {
        compactMap { if case .incident(let incident) = $0 { return incident } else { return nil } }
    }

    var replicationBatches: [(NodeID, ReplicationBatch)] {
        peerMessages.compactMap { if case .replication(let batch) = $0.1 { return ($0.0, batch) } else { return nil } }
    }

    var transferBatches: [(NodeID, TransferBatch)] {
        peerMessages.compactMap { if case .transfer(let batch) = $0.1 { return ($0.0, batch) } else { return nil } }
    }

    var heartbeats: [[Int: UInt64]] { heartbeatReports.map(\.appliedSequences) }

    var heartbeatReports: [NodeHeartbeat] {
        coordinatorMessages.compactMap { if case .heartbeat(let beat) = $0 { return beat } else { return nil } }
    }
}
