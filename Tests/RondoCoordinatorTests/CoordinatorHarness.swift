import RondoCore
import RondoPeer
import RondoRing
import XCTest

@testable import RondoCoordinator

func node(_ name: String) -> NodeID { NodeID(name)! }

/// A build of `version` offering what the real release of its line offers: 0.1.x the first
/// release's features, anything later this build's.
func build(_ version: String) -> BuildInfo {
    let softwareVersion = SemanticVersion(version)!
    let features = softwareVersion < SemanticVersion(major: 0, minor: 2, patch: 0) ? BuildInfo.release_0_1_0.features : BuildInfo.current.features
    return BuildInfo(softwareVersion: softwareVersion, protocolVersions: 1...1, features: features)
}

/// Drives a `Coordinator` with explicit times and plays the nodes' side minimally: nodes
/// heartbeat, acknowledge the tables pushed to them, and complete the transfers they are given.
/// Checks the action contract on every batch: persisted before acted, epochs only grow, drops
/// only after every live member acknowledged a table without the dropped copy.
struct CoordinatorHarness {
    static let clusterName = "test"

    var coordinator: Coordinator
    var nowMilliseconds: Int64 = 1_000_000
    var persisted: CoordinatorState?
    /// Nodes whose process runs (they heartbeat and answer).
    var running: Set<NodeID> = []
    var versions: [NodeID: String] = [:]
    /// The latest table epoch each node received and the epoch it acknowledged.
    var received: [NodeID: UInt64] = [:]
    var acknowledged: [NodeID: UInt64] = [:]
    var tables: [UInt64: RoutingTable] = [:]
    var transfers: [TransferOrder] = []
    var drops: [(node: NodeID, vnode: Int)] = []
    var startEmpty: [NodeID] = []
    /// Restart orders of a rolling upgrade, in order.
    var restartOrders: [(node: NodeID, binaryPath: String?, mode: RestartMode, deadline: Int64)] = []
    /// How many of `restartOrders` the nodes' side has carried out.
    var restartOrdersObeyed = 0
    var highestPushedEpoch: UInt64 = 0
    /// The last table push each node received.
    var lastPush: [NodeID: TablePush] = [:]
    var lastReply: CtlResponse?
    var logs: [String] = []
    var nextRequestID: UInt64 = 1
    var maxInFlightPerNode = 0
    var file: StaticString = #filePath
    var line: UInt = #line

    init(
        vnodes: Int = 64, replicas: Int = 3, limits: TransferLimits = .default, downAfterMilliseconds: Int64 = 3_000,
        checksInvariants: Bool = true
    ) {
        let configuration = CoordinatorConfiguration(
            localNodeID: node("coord"), build: build("0.1.0"), downAfterMilliseconds: downAfterMilliseconds,
            transferTimeoutMilliseconds: 10_000, transferAttemptsMax: 3, failedCopyRetryAfterMilliseconds: 20_000,
            checksInvariants: checksInvariants)
        coordinator = Coordinator(
            configuration: configuration, clusterName: Self.clusterName, vnodeCount: try! VnodeCount(vnodes),
            replicaCount: replicas)
        coordinator.state.transferLimits = limits
    }

    var state: CoordinatorState { coordinator.state }
    var table: RoutingTable { coordinator.state.table! }

    func record(_ name: String) -> MemberRecord { state.members[node(name)]! }

    // MARK: applying actions

    @discardableResult
    mutating func apply(_ actions: [CoordinatorAction]) -> [CoordinatorAction] {
        for (index, action) in actions.enumerated() {
            switch action {
            case .persist(let snapshot):
                XCTAssertEqual(index, 0, "persist comes first", file: file, line: line)
                persisted = snapshot
            case .pushTable(let push):
                XCTAssertLessThanOrEqual(push.epoch, persisted?.epoch ?? 0, "pushed before persisted", file: file, line: line)
                XCTAssertGreaterThanOrEqual(push.epoch, highestPushedEpoch, "epochs only grow", file: file, line: line)
                highestPushedEpoch = max(highestPushedEpoch, push.epoch)
                let decoded = try! RoutingTable(decoding: push.table)
                XCTAssertEqual(decoded.epoch, push.epoch)
                tables[push.epoch] = decoded
                for recipient in push.recipients where running.contains(recipient) {
                    received[recipient] = max(received[recipient] ?? 0, push.epoch)
                    lastPush[recipient] = push
                }
            case .startTransfer(let order):
                let replica = VnodeReplica(vnode: order.vnode, member: persisted!.members[order.target]!.memberID!)
                guard case .inFlight = persisted?.copies[replica] else {
                    XCTFail("transfer started before it was persisted", file: file, line: line)
                    continue
                }
                transfers.removeAll { $0.vnode == order.vnode && $0.target == order.target }
                transfers.append(order)
            case .dropVnode(let dropper, let vnode):
                checkDrop(dropper, vnode)
                drops.append((dropper, vnode))
            case .answerHello(let id, let decision, let empty):
                if case .accept = decision, empty { startEmpty.append(id) }
            case .restartNode(let id, let path, let mode, let deadline):
                XCTAssertEqual(persisted?.members[id]?.state, .draining(released: true), "restart of a node that holds vnodes", file: file, line: line)
                restartOrders.append((id, path, mode, deadline))
            case .reply(_, let response):
                lastReply = response
            case .log(_, let message):
                logs.append(message)
            }
        }
        recordConcurrency()
        return actions
    }

    private func checkDrop(_ dropper: NodeID, _ vnode: Int) {
        guard let snapshot = persisted, let table = snapshot.table, let id = snapshot.members[dropper]?.memberID else {
            return XCTFail("drop without a persisted table", file: file, line: line)
        }
        XCTAssertFalse(table.replicas(of: vnode).contains(id), "dropped a listed replica", file: file, line: line)
        let live = table.members.compactMap { snapshot.record(of: $0.id) }.filter { $0.state.isLive }
        let acknowledgedByAll = live.map { acknowledged[$0.nodeID] ?? 0 }.min() ?? UInt64.max
        guard let epoch = tables.keys.filter({ $0 <= acknowledgedByAll }).max() else {
            return XCTFail("drop before any acknowledgement", file: file, line: line)
        }
        XCTAssertFalse(
            tables[epoch]!.replicas(of: vnode).contains(id), "drop before every live member acknowledged a table without it",
            file: file, line: line)
    }

    private mutating func recordConcurrency() {
        var busy: [NodeID: Int] = [:]
        for order in transfers {
            busy[order.source, default: 0] += 1
            busy[order.target, default: 0] += 1
        }
        maxInFlightPerNode = max(maxInFlightPerNode, busy.values.max() ?? 0)
    }

    // MARK: node side

    mutating func connect(
        _ name: String, version: String = "0.1.0", cluster: String = clusterName, holdsNoData: Bool = false
    ) -> HandshakeDecision? {
        let id = node(name)
        let hello = Hello(
            clusterName: cluster, nodeID: id, role: .node, build: build(version), advertisedHost: "h-\(name)",
            clientPort: 11211, peerPort: 7000)
        let addresses = MemberAddresses(
            client: NodeAddress(host: "h-\(name)", port: 11211), peer: NodeAddress(host: "h-\(name)", port: 7000))
        let wasRunning = running.contains(id)
        running.insert(id)
        versions[id] = version
        let actions = apply(coordinator.nodeConnected(hello: hello, addresses: addresses, holdsNoData: holdsNoData, nowMilliseconds: nowMilliseconds))
        for case .answerHello(let answered, let decision, let empty) in actions where answered == id {
            if case .refuse = decision, !wasRunning { running.remove(id) }
            if empty {
                received[id] = nil
                acknowledged[id] = nil
            }
            return decision
        }
        return nil
    }

    @discardableResult
    mutating func ctl(_ command: CtlCommand) -> CtlResponse {
        lastReply = nil
        apply(coordinator.ctl(requestID: nextRequestID, command, nowMilliseconds: nowMilliseconds))
        nextRequestID += 1
        return lastReply!
    }

    mutating func join(_ name: String) {
        if state.members[node(name)] == nil || !running.contains(node(name)) { _ = connect(name) }
        let response = ctl(.join(node(name)))
        if case .refused(let error) = response { XCTFail("join \(name): \(error)", file: file, line: line) }
    }

    mutating func heartbeats(sequences: [NodeID: [Int: UInt64]] = [:]) {
        for id in running.sorted() {
            apply(coordinator.heartbeat(id, nowMilliseconds: nowMilliseconds, appliedSequences: sequences[id] ?? [:]))
        }
    }

    mutating func acknowledgeAll() {
        for id in running.sorted() {
            guard let epoch = received[id], epoch > (acknowledged[id] ?? 0) else { continue }
            acknowledged[id] = epoch
            apply(coordinator.nodeAcknowledgedEpoch(id, epoch: epoch, nowMilliseconds: nowMilliseconds))
        }
    }

    /// Completes up to `limit` running transfers whose two ends run.
    mutating func completeTransfers(limit: Int = .max) {
        var done = 0
        while done < limit, let index = transfers.firstIndex(where: { running.contains($0.source) && running.contains($0.target) }) {
            let order = transfers.remove(at: index)
            apply(
                coordinator.transferCompleted(
                    vnode: order.vnode, target: order.target, sequence: 10, bytes: 1_000, nowMilliseconds: nowMilliseconds))
            done += 1
        }
    }

    mutating func advance(milliseconds: Int64, heartbeating: Bool = true) {
        nowMilliseconds += milliseconds
        if heartbeating { heartbeats() }
        apply(coordinator.tick(nowMilliseconds: nowMilliseconds))
    }

    /// Runs the nodes' side until nothing is pending (bounded).
    mutating func settle(rounds: Int = 400) {
        for _ in 0..<rounds {
            acknowledgeAll()
            completeTransfers()
            acknowledgeAll()
            advance(milliseconds: 100)
            if state.target == nil && state.pendingDrops.isEmpty && state.copies.isEmpty { return }
        }
        let waiting = state.copies.keys.sorted().prefix(4).map { replica in
            "\(replica): \(state.copies[replica]!), holders \(state.holders(of: replica.vnode).sorted().map { "\($0) \(state.record(of: $0)!.state) connected \(state.record(of: $0)!.connected)" })"
        }
        XCTFail("did not settle: \(coordinator.status)\n\(waiting.joined(separator: "\n"))", file: file, line: line)
    }

    /// A node process dies: it stops heartbeating; its transfers die with it.
    mutating func crash(_ name: String, closingConnection: Bool = false) {
        running.remove(node(name))
        if closingConnection { apply(coordinator.nodeDisconnected(node(name), nowMilliseconds: nowMilliseconds)) }
        transfers.removeAll { $0.source == node(name) || $0.target == node(name) }
    }

    /// The coordinator restarts from the persisted bytes; nodes report their epochs.
    mutating func restartCoordinator(reportedEpochs: [NodeID: UInt64]? = nil) {
        let bytes = persisted!.encoded()
        let decoded = try! CoordinatorState(decoding: bytes)
        coordinator = Coordinator(recoveringWith: coordinator.configuration, persisted: decoded)
        transfers.removeAll()
        let reports = reportedEpochs ?? received.filter { running.contains($0.key) }
        apply(coordinator.restarted(epochsReportedByNodes: reports, nowMilliseconds: nowMilliseconds))
        for id in running.sorted() { _ = connect(id.rawValue, version: versions[id] ?? "0.1.0") }
    }

    /// The cluster is where it should be: table members are exactly the live joined nodes,
    /// every listed replica holds a copy, nothing pending.
    func assertConverged(file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertNil(state.target, file: file, line: line)
        XCTAssertEqual(state.underReplicatedVnodeCount, 0, file: file, line: line)
        XCTAssertTrue(state.holderDeviations.isEmpty, "holders \(state.holderDeviations)", file: file, line: line)
        XCTAssertTrue(state.pendingDrops.isEmpty, file: file, line: line)
        XCTAssertTrue(state.copies.isEmpty, file: file, line: line)
    }
}
