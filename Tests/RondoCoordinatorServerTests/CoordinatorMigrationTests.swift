import Foundation
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import RondoCoordinator
import RondoCoordinatorServer
import RondoCore
import RondoPeer
import RondoPeerTransport
import XCTest

/// A join over real sockets: the coordinator orders transfers from the first member, hears their
/// completions from the joining one, publishes the table listing both, and has the first member
/// drop what moved once both acknowledged it. Two fake nodes play the node side.
final class CoordinatorMigrationTests: XCTestCase {
    private static let clusterName = "migration-test"

    /// A fake node: acknowledges every table, heartbeats, and reports through `events`.
    private final class FakeNode: Sendable {
        let id: NodeID
        let events = EventLog<PeerClientEvent>()
        private let client = NIOLockedValueBox<PeerClient?>(nil)

        init(_ name: String) { id = NodeID(name)! }

        func start(port: Int, group: any EventLoopGroup, logger: Logger, onMessage: @escaping @Sendable (PeerInboundMessage) -> Void) {
            let id = self.id
            let created = PeerClient(
                host: "127.0.0.1", port: port, eventLoop: group.next(), logger: logger,
                hello: {
                    Hello(
                        clusterName: CoordinatorMigrationTests.clusterName, nodeID: id, role: .node, build: .current,
                        advertisedHost: "127.0.0.1", clientPort: 11211, peerPort: 7200)
                },
                onEvent: { [self] event in
                    self.events.append(event)
                    guard case .message(let message) = event else { return }
                    if case .routingTableUpdate(let update) = message { self.send(EpochAcknowledged(epoch: update.epoch)) }
                    onMessage(message)
                })
            client.withLockedValue { $0 = created }
            created.start()
        }

        func send<Message: PeerMessage>(_ message: Message) {
            client.withLockedValue { $0 }?.send(message)
        }

        func close() async throws {
            try await client.withLockedValue { $0 }?.close().get()
        }
    }

    /// Heartbeats for every fake node every 200 ms until cancelled, so the coordinator keeps them live.
    private static func heartbeating(_ nodes: [FakeNode]) -> Task<Void, Never> {
        Task {
            var sequence: UInt64 = 0
            while !Task.isCancelled {
                sequence += 1
                for node in nodes { node.send(Heartbeat(sequence: sequence)) }
                try? await Task.sleep(for: .milliseconds(200))
            }
        }
    }

    /// Waits for both fake nodes' sessions, joins `first` and waits for its table, then joins `second`.
    private static func join(
        _ first: FakeNode, then second: FakeNode, ctl: (CtlRequest.Command) async throws -> CtlReply
    ) async throws {
        _ = try await first.events.first { if case .connected = $0 { return true } else { return nil } }
        _ = try await second.events.first { if case .connected = $0 { return true } else { return nil } }
        let joinedFirst = try await ctl(.join(first.id))
        XCTAssertTrue(joinedFirst.ok, joinedFirst.text)
        _ = try await first.events.first { if case .message(.routingTableUpdate) = $0 { return true } else { return nil } }
        let joinedSecond = try await ctl(.join(second.id))
        XCTAssertTrue(joinedSecond.ok, joinedSecond.text)
    }

    func testJoinMovesVnodesThroughOrdersCompletionsAndDrops() async throws {
        let directory = NSTemporaryDirectory() + "rondo-migration-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        var logger = Logger(label: "migration-test")
        logger.logLevel = .critical

        let server = CoordinatorServer(
            configuration: CoordinatorServerConfiguration(
                host: "127.0.0.1", port: 0, stateDirectory: directory, clusterName: Self.clusterName, replicaCount: 1,
                vnodeCount: try VnodeCount(16), coordinator: CoordinatorConfiguration(localNodeID: NodeID("coordinator")!)),
            logger: logger)
        let serverTask = Task { try await server.run() }
        let port = try await server.boundAddress().port!

        let first = FakeNode("node-a")
        let second = FakeNode("node-b")
        let ordered = EventLog<TransferOrderMessage>()
        let dropped = EventLog<Int>()
        first.start(port: port, group: group, logger: logger) { message in
            switch message {
            case .transferOrder(let order):
                // The copy "happens": the target reports it done.
                ordered.append(order)
                second.send(TransferCompleted(vnode: order.vnode, sequence: 0, bytes: 100))
            case .dropVnode(let drop):
                dropped.append(drop.vnode)
            default:
                break
            }
        }
        second.start(port: port, group: group, logger: logger) { _ in }
        let heartbeats = Self.heartbeating([first, second])

        let ctl = { (command: CtlRequest.Command) in
            try await CtlClient.request(command, host: "127.0.0.1", port: port, clusterName: Self.clusterName, timeout: .seconds(5), logger: logger)
        }
        try await Self.join(first, then: second, ctl: ctl)

        // The table that lists both members reaches the new one once its copies are complete.
        let both = try await second.events.first(within: 10) { event -> RoutingTableUpdate? in
            guard case .message(.routingTableUpdate(let update)) = event, update.directory.count == 2 else { return nil }
            return update
        }
        XCTAssertEqual(Set(both.directory.map(\.nodeID)), [first.id, second.id])
        let orders = ordered.all
        XCTAssertFalse(orders.isEmpty)
        for order in orders {
            XCTAssertEqual(order.source, first.id)
            XCTAssertEqual(order.target, second.id)
        }
        // Once both acknowledged that table, the first member drops what moved.
        _ = try await dropped.first(within: 10) { _ in true }
        XCTAssertTrue(Set(dropped.all).isSubset(of: Set(orders.map(\.vnode))))

        let status = try await ctl(.status)
        XCTAssertTrue(status.ok)
        XCTAssertTrue(status.json.contains("\"transfersCompleted\":\(orders.count)"), status.json)

        heartbeats.cancel()
        try await first.close()
        try await second.close()
        serverTask.cancel()
        try await serverTask.value
        try await group.shutdownGracefully()
    }

    /// A rolling upgrade over real sockets: `ctl upgrade start` releases the first node (its
    /// vnodes copy to the second), then the coordinator sends it `RestartNode`.
    func testUpgradeStartReleasesTheNodeThenOrdersItsRestart() async throws {
        let directory = NSTemporaryDirectory() + "rondo-upgrade-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        var logger = Logger(label: "upgrade-test")
        logger.logLevel = .critical
        let server = CoordinatorServer(
            configuration: CoordinatorServerConfiguration(
                host: "127.0.0.1", port: 0, stateDirectory: directory, clusterName: Self.clusterName, replicaCount: 1,
                vnodeCount: try VnodeCount(16), coordinator: CoordinatorConfiguration(localNodeID: NodeID("coordinator")!)),
            logger: logger)
        let serverTask = Task { try await server.run() }
        let port = try await server.boundAddress().port!

        let first = FakeNode("node-a")
        let second = FakeNode("node-b")
        let restarts = EventLog<RestartNode>()
        // Copies "happen" at once: the target of each order reports it done.
        first.start(port: port, group: group, logger: logger) { message in
            if case .transferOrder(let order) = message { second.send(TransferCompleted(vnode: order.vnode, sequence: 0, bytes: 10)) }
            if case .restartNode(let order) = message { restarts.append(order) }
        }
        second.start(port: port, group: group, logger: logger) { message in
            if case .transferOrder(let order) = message { first.send(TransferCompleted(vnode: order.vnode, sequence: 0, bytes: 10)) }
        }
        let heartbeats = Self.heartbeating([first, second])
        let ctl = { (command: CtlRequest.Command) in
            try await CtlClient.request(command, host: "127.0.0.1", port: port, clusterName: Self.clusterName, timeout: .seconds(5), logger: logger)
        }
        try await Self.join(first, then: second, ctl: ctl)
        _ = try await second.events.first(within: 10) { event -> Bool? in
            guard case .message(.routingTableUpdate(let update)) = event, update.directory.count == 2 else { return nil }
            return true
        }
        // Settled (every copy done, old copies dropped) before the upgrade's preflight passes.
        let parameters = CtlUpgradeParameters(batchSize: 1, targetVersion: nil, binaryPath: "/opt/rondo-next", restartMode: .inPlace)
        let plan = try await ctl(.upgradePlan(parameters))
        XCTAssertTrue(plan.ok, plan.text)
        XCTAssertTrue(plan.json.contains("\"nodeCount\":2"), plan.json)
        let started = try await ctl(.upgradeStart(parameters))
        XCTAssertTrue(started.ok, started.text)

        let order = try await restarts.first(within: 10) { $0 }
        XCTAssertEqual(order.node, first.id)
        XCTAssertEqual(order.binaryPath, "/opt/rondo-next")
        XCTAssertEqual(order.mode, .inPlace)
        XCTAssertGreaterThan(order.timeoutMilliseconds, 0)
        XCTAssertLessThanOrEqual(order.timeoutMilliseconds, UInt64(UpgradeLimits.default.restartMilliseconds))
        let status = try await ctl(.upgradeStatus)
        XCTAssertTrue(status.ok, status.text)
        XCTAssertTrue(status.json.contains("\"step\":\"restart\""), status.json)

        heartbeats.cancel()
        try await first.close()
        try await second.close()
        serverTask.cancel()
        try await serverTask.value
        try await group.shutdownGracefully()
    }
}
