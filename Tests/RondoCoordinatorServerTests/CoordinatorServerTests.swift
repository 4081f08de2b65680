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

/// The coordinator process in-process: real sockets on 127.0.0.1 port 0, a temporary state
/// directory, a fake node speaking the node side with `PeerClient`, ctl through `CtlClient`.
final class CoordinatorServerTests: XCTestCase {
    private static let clusterName = "server-test"
    private var stateDirectory: String!
    private var group: MultiThreadedEventLoopGroup!

    private var logger: Logger {
        var logger = Logger(label: "coordinator-server-test")
        logger.logLevel = .critical
        return logger
    }

    override func setUpWithError() throws {
        stateDirectory = NSTemporaryDirectory() + "rondo-coordinator-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: stateDirectory, withIntermediateDirectories: true)
        group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
    }

    override func tearDown() async throws {
        try await group.shutdownGracefully()
        try? FileManager.default.removeItem(atPath: stateDirectory)
    }

    private func configuration() -> CoordinatorServerConfiguration {
        CoordinatorServerConfiguration(
            host: "127.0.0.1", port: 0, stateDirectory: stateDirectory, clusterName: Self.clusterName, replicaCount: 1,
            vnodeCount: try! VnodeCount(16),
            coordinator: CoordinatorConfiguration(localNodeID: NodeID("coordinator")!, downAfterMilliseconds: 1_000))
    }

    /// Starts a server; returns it, its task and its port.
    private func startServer() async throws -> (CoordinatorServer, Task<Void, any Error>, Int) {
        let server = CoordinatorServer(configuration: configuration(), logger: logger)
        let task = Task { try await server.run() }
        let address = try await server.boundAddress()
        return (server, task, address.port!)
    }

    private func stop(_ task: Task<Void, any Error>) async throws {
        task.cancel()
        try await task.value
    }

    private func fakeNode(port: Int, tableEpoch: @escaping @Sendable () -> UInt64? = { nil }, events: EventLog<PeerClientEvent>) -> PeerClient {
        PeerClient(
            host: "127.0.0.1", port: port, eventLoop: group.next(),
            configuration: PeerClient.Configuration(backoff: ReconnectBackoff(initialDelay: .milliseconds(20), maxDelay: .milliseconds(200))),
            logger: logger,
            hello: {
                Hello(
                    clusterName: Self.clusterName, nodeID: NodeID("node-a")!, role: .node, build: .current,
                    advertisedHost: "127.0.0.1", clientPort: 11211, peerPort: 7100, tableEpoch: tableEpoch())
            },
            onEvent: { events.append($0) })
    }

    private func ctl(_ command: CtlRequest.Command, port: Int) async throws -> CtlReply {
        try await CtlClient.request(command, host: "127.0.0.1", port: port, clusterName: Self.clusterName, timeout: .seconds(5), logger: logger)
    }

    func testNodeIsAcceptedAndJoinPushesATableWithItsDirectory() async throws {
        let (_, task, port) = try await startServer()
        let events = EventLog<PeerClientEvent>()
        let node = fakeNode(port: port, events: events)
        node.start()
        let session = try await events.first { if case .connected(let session) = $0 { return session } else { return nil } }
        XCTAssertEqual(session.acceptance?.startEmpty, false)
        XCTAssertEqual(session.peerNodeID, NodeID("coordinator"))

        let reply = try await ctl(.join(NodeID("node-a")!), port: port)
        XCTAssertTrue(reply.ok, reply.text)
        let update = try await events.first { if case .message(.routingTableUpdate(let update)) = $0 { return update } else { return nil } }
        XCTAssertGreaterThanOrEqual(update.epoch, 1)
        XCTAssertEqual(update.directory.map(\.nodeID), [NodeID("node-a")!])
        XCTAssertEqual(update.directory.first?.peerPort, 7100)
        node.send(EpochAcknowledged(epoch: update.epoch))

        // Persisted before it was pushed: the file already holds that epoch.
        let persisted = try XCTUnwrap(CoordinatorStateFile(directory: stateDirectory).load())
        XCTAssertEqual(persisted.epoch, update.epoch)

        let status = try await ctl(.status, port: port)
        XCTAssertTrue(status.ok)
        XCTAssertTrue(status.json.contains("\"epoch\""), status.json)
        let refused = try await ctl(.join(NodeID("nobody")!), port: port)
        XCTAssertFalse(refused.ok)

        try await node.close().get()
        try await stop(task)
        XCTAssertEqual(
            try FileManager.default.contentsOfDirectory(atPath: stateDirectory), [CoordinatorStateFile.fileName],
            "every write renamed its temporary file onto the state file")
    }

    func testRestartedCoordinatorResumesFromTheStateFile() async throws {
        let (_, firstTask, firstPort) = try await startServer()
        let events = EventLog<PeerClientEvent>()
        let latestEpoch = NIOLockedValueBox<UInt64?>(nil)
        let node = fakeNode(port: firstPort, tableEpoch: { latestEpoch.withLockedValue { $0 } }, events: events)
        node.start()
        _ = try await events.first { if case .connected = $0 { return true } else { return nil } }
        let joined = try await ctl(.join(NodeID("node-a")!), port: firstPort)
        XCTAssertTrue(joined.ok, joined.text)
        let update = try await events.first { if case .message(.routingTableUpdate(let update)) = $0 { return update } else { return nil } }
        latestEpoch.withLockedValue { $0 = update.epoch }
        try await node.close().get()
        try await stop(firstTask)

        let (_, secondTask, secondPort) = try await startServer()
        let secondEvents = EventLog<PeerClientEvent>()
        let returning = fakeNode(port: secondPort, tableEpoch: { latestEpoch.withLockedValue { $0 } }, events: secondEvents)
        returning.start()
        _ = try await secondEvents.first(within: 10) { if case .connected = $0 { return true } else { return nil } }
        let pushed = try await secondEvents.first(within: 10) { event -> RoutingTableUpdate? in
            if case .message(.routingTableUpdate(let update)) = event { return update } else { return nil }
        }
        XCTAssertGreaterThanOrEqual(pushed.epoch, update.epoch, "a restarted coordinator never goes back in epochs")
        let nodes = try await ctl(.nodes, port: secondPort)
        XCTAssertTrue(nodes.ok)
        XCTAssertTrue(nodes.text.contains("node-a"), nodes.text)

        try await returning.close().get()
        try await stop(secondTask)
    }

    func testNodesReportingANewerEpochMakeTheRestartedCoordinatorRepublishAboveIt() async throws {
        let (_, firstTask, firstPort) = try await startServer()
        let events = EventLog<PeerClientEvent>()
        let node = fakeNode(port: firstPort, events: events)
        node.start()
        _ = try await events.first { if case .connected = $0 { return true } else { return nil } }
        let joined = try await ctl(.join(NodeID("node-a")!), port: firstPort)
        XCTAssertTrue(joined.ok, joined.text)
        let update = try await events.first { if case .message(.routingTableUpdate(let update)) = $0 { return update } else { return nil } }
        try await node.close().get()
        try await stop(firstTask)

        // The node holds a table newer than anything persisted (say, the state file was restored
        // from a backup): the coordinator must publish above it, or the node would ignore it.
        let reported = update.epoch + 10
        let (_, secondTask, secondPort) = try await startServer()
        let secondEvents = EventLog<PeerClientEvent>()
        let returning = fakeNode(port: secondPort, tableEpoch: { reported }, events: secondEvents)
        returning.start()
        let pushed = try await secondEvents.first(within: 10) { event -> RoutingTableUpdate? in
            if case .message(.routingTableUpdate(let update)) = event { return update } else { return nil }
        }
        XCTAssertGreaterThan(pushed.epoch, reported)
        XCTAssertEqual(try CoordinatorStateFile(directory: stateDirectory).load()?.epoch, pushed.epoch, "persisted before pushed")

        try await returning.close().get()
        try await stop(secondTask)
    }

    func testRecoveryWindowEndsAfterDownAfterWhenAMemberStaysAway() async throws {
        let (_, firstTask, firstPort) = try await startServer()
        let events = EventLog<PeerClientEvent>()
        let node = fakeNode(port: firstPort, events: events)
        node.start()
        _ = try await events.first { if case .connected = $0 { return true } else { return nil } }
        let joined = try await ctl(.join(NodeID("node-a")!), port: firstPort)
        XCTAssertTrue(joined.ok, joined.text)
        try await node.close().get()
        try await stop(firstTask)

        // node-a never comes back: ctl is held for the window (down-after = 1 s), then answered.
        let (_, secondTask, secondPort) = try await startServer()
        let started = ContinuousClock.now
        let status = try await ctl(.status, port: secondPort)
        let waited = ContinuousClock.now - started
        XCTAssertTrue(status.ok, status.text)
        XCTAssertGreaterThanOrEqual(waited, .milliseconds(900), "held until the window ended")
        XCTAssertLessThan(waited, .seconds(4))
        try await stop(secondTask)
    }

    func testCorruptStateFileIsAClearError() async throws {
        let path = stateDirectory + "/" + CoordinatorStateFile.fileName
        try Data("not a coordinator state".utf8).write(to: URL(fileURLWithPath: path))
        let server = CoordinatorServer(configuration: configuration(), logger: logger)
        do {
            try await server.run()
            XCTFail("a corrupt state file must stop the coordinator")
        } catch let error as CoordinatorStateFileError {
            guard case .corrupt = error else { return XCTFail("\(error)") }
            XCTAssertTrue(error.description.contains(path), error.description)
        }
    }

    func testStateFileWriteIsAtomicAndReadable() throws {
        let file = CoordinatorStateFile(directory: stateDirectory)
        XCTAssertNil(try file.load(), "no file: a new cluster")
        let state = CoordinatorState(clusterName: "c", vnodeCount: try VnodeCount(8), replicaCount: 1)
        try file.write(state.encoded())
        XCTAssertEqual(try file.load(), state)
        try file.write(state.encoded())
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: stateDirectory), [CoordinatorStateFile.fileName])
    }

    func testCtlAgainstAClosedPortSaysSo() async throws {
        let listener = try await ServerBootstrap(group: group).bind(host: "127.0.0.1", port: 0).get()
        let port = listener.localAddress!.port!
        try await listener.close()
        do {
            _ = try await ctl(.status, port: port)
            XCTFail("nothing listens there")
        } catch let error as CtlClientError {
            XCTAssertEqual(error.description, "cannot reach coordinator at 127.0.0.1:\(port): connection refused")
        }
    }
}
