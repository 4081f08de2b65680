import Foundation
import Logging
import NIOCore
import NIOPosix
import RondoCoordinator
import RondoCoordinatorServer
import RondoCore
import RondoEngine
import RondoGateway
import RondoPeer
import RondoProtocol
import RondoStorage
import ServiceLifecycle
import XCTest

@testable import RondoNodeRuntime

/// Two node runtimes and a coordinator in one process over 127.0.0.1 (every port picked by the
/// kernel), driven through the `ClusterRequestRouter` API the client front end uses.
final class ClusterRuntimeSocketTests: XCTestCase {
    private static let clusterName = "runtime-test"
    private static let vnodes = 16
    private var stateDirectory: String!
    private var group: MultiThreadedEventLoopGroup!

    private var logger: Logger {
        var logger = Logger(label: "runtime-test")
        logger.logLevel = .critical
        return logger
    }

    override func setUpWithError() throws {
        stateDirectory = NSTemporaryDirectory() + "rondo-runtime-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: stateDirectory, withIntermediateDirectories: true)
        group = MultiThreadedEventLoopGroup(numberOfThreads: 2)
    }

    override func tearDown() async throws {
        try await group.shutdownGracefully()
        try? FileManager.default.removeItem(atPath: stateDirectory)
    }

    private struct TestNode {
        var runtime: ClusterRuntime
        var engine: CommandEngine
        var store: ItemStore
    }

    private func makeNode(_ name: String, coordinatorPort: Int) -> TestNode {
        let clock = SystemClock()
        let store = ItemStore(configuration: StoreConfiguration(memoryLimitBytes: 16 << 20, vnodeCount: try! VnodeCount(Self.vnodes)), clock: clock)
        let engine = CommandEngine(store: store, clock: clock, settings: EngineSettings(), counters: NodeCounters())
        let configuration = ClusterRuntimeConfiguration(
            nodeID: NodeID(name)!, clusterName: Self.clusterName, host: "127.0.0.1", peerPort: 0, coordinatorHost: "127.0.0.1",
            coordinatorPort: coordinatorPort, vnodeCount: Self.vnodes, forwardTimeout: .seconds(3))
        let runtime = ClusterRuntime(
            configuration: configuration, loop: group.next(), store: store, engine: engine, logger: logger, clientPort: { 11211 })
        return TestNode(runtime: runtime, engine: engine, store: store)
    }

    private func ctl(_ command: CtlRequest.Command, port: Int) async throws -> CtlReply {
        try await CtlClient.request(command, host: "127.0.0.1", port: port, clusterName: Self.clusterName, timeout: .seconds(5), logger: logger)
    }

    /// Polls (every 50 ms, at most `seconds`) until `condition` holds.
    private func eventually(_ what: String, seconds: Double = 20, _ condition: () async throws -> Bool) async throws {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if try await condition() { return }
            try await Task.sleep(for: .milliseconds(50))
        }
        XCTFail("\(what) did not happen within \(seconds) s")
        throw CancellationError()
    }

    private func settled(port: Int, members: Int) async throws -> Bool {
        let reply = try await ctl(.status, port: port)
        guard let object = try JSONSerialization.jsonObject(with: Data(reply.json.utf8)) as? [String: Any] else { return false }
        let active = (object["nodes"] as? [[String: Any]] ?? []).filter { $0["state"] as? String == "active" }
        return active.count == members && object["targetEpoch"] is NSNull && object["transfersInFlight"] as? Int == 0
            && object["transfersWaiting"] as? Int == 0 && object["underReplicatedVnodes"] as? Int == 0
    }

    /// What a client connection would get for `line` through `node`.
    private func request(_ line: String, through node: TestNode) async throws -> String {
        var decoder = MemcachedRequestDecoder()
        var buffer = ByteBuffer(string: line)
        let request = try XCTUnwrap(try decoder.decode(buffer: &buffer))
        let loop = group.next()
        let isWrite: Bool
        let key: ByteBuffer
        switch ClusterRequestKind(request) {
        case .write(let keys): (isWrite, key) = (true, keys[0])
        case .read(let keys): (isWrite, key) = (false, keys[0])
        case .flushLocally, .keyless: throw GatewayFailure(reason: "keyed requests only")
        }
        switch node.runtime.route(key: key, isWrite: isWrite) {
        case .local where isWrite:
            return String(buffer: try await node.runtime.executeLocalWrite(request, eventLoop: loop).get())
        case .local:
            var out = ByteBuffer()
            _ = node.engine.execute(request, into: &out)
            return String(buffer: out)
        case .remote(let destination):
            var encoded = ByteBuffer()
            try request.encode(into: &encoded)
            return String(buffer: try await node.runtime.forward(encoded, to: destination, eventLoop: loop).get())
        case .unavailable(let reason):
            return "SERVER_ERROR \(reason)\r\n"
        }
    }

    func testTwoNodesFormAClusterAndServeEveryKeyThroughEither() async throws {
        let coordinator = CoordinatorServer(
            configuration: CoordinatorServerConfiguration(
                host: "127.0.0.1", port: 0, stateDirectory: stateDirectory, clusterName: Self.clusterName, replicaCount: 2,
                vnodeCount: try VnodeCount(Self.vnodes),
                coordinator: CoordinatorConfiguration(localNodeID: NodeID("coordinator")!, downAfterMilliseconds: 2_000)),
            logger: logger)
        let coordinatorTask = Task { try await coordinator.run() }
        let port = try await coordinator.boundAddress().port!
        let nodes = [makeNode("n1", coordinatorPort: port), makeNode("n2", coordinatorPort: port)]
        let nodeGroup = ServiceGroup(services: nodes.map { $0.runtime as any Service }, logger: logger)
        let nodesTask = Task { try await nodeGroup.run() }

        do {
            try await exercise(nodes, coordinatorPort: port)
        } catch {
            // Close everything this test opened before reporting.
            await nodeGroup.triggerGracefulShutdown()
            _ = try? await nodesTask.value
            coordinatorTask.cancel()
            _ = try? await coordinatorTask.value
            throw error
        }
        await nodeGroup.triggerGracefulShutdown()
        try await nodesTask.value
        coordinatorTask.cancel()
        try await coordinatorTask.value
    }

    private func exercise(_ nodes: [TestNode], coordinatorPort port: Int) async throws {
        // Before any table, nothing is routable.
        XCTAssertEqual(nodes[0].runtime.route(key: ByteBuffer(string: "k"), isWrite: true), .unavailable(reason: "no routing table yet"))
        for (index, name) in ["n1", "n2"].enumerated() {
            try await eventually("\(name) connected") {
                (try? await ctl(.join(NodeID(name)!), port: port))?.ok == true
            }
            try await eventually("the join of \(name) settling") { try await settled(port: port, members: index + 1) }
        }
        try await eventually("both nodes installing the final table") {
            nodes.allSatisfy { $0.runtime.routingSnapshot.router?.table.members.count == 2 }
        }

        var written: [String: String] = [:]
        for index in 0..<40 {
            let key = "key-\(index)"
            let value = "value-\(index)"
            let reply = try await request("set \(key) 0 0 \(value.utf8.count)\r\n\(value)\r\n", through: nodes[index % 2])
            XCTAssertEqual(reply, "STORED\r\n", key)
            written[key] = value
        }
        for node in nodes {
            for (key, value) in written {
                let reply = try await request("get \(key)\r\n", through: node)
                XCTAssertEqual(reply, "VALUE \(key) 0 \(value.utf8.count)\r\n\(value)\r\nEND\r\n")
            }
        }
        // Replicated: with two replicas of every vnode, each node's store holds every key.
        for node in nodes {
            for key in written.keys { XCTAssertNotNil(node.store.peek(ByteBuffer(string: key)), key) }
        }
        // A write that changes nothing is answered without replication, through either node.
        let refused = try await request("add key-1 0 0 1\r\nx\r\n", through: nodes[0])
        XCTAssertEqual(refused, "NOT_STORED\r\n")
        XCTAssertNotNil(nodes[1].runtime.routingTableReply())

        // A forwarded read is served by a replica holding a complete copy. A node that is not a
        // key's primary refuses a forwarded write (notOwner at its epoch); the entry node's own
        // table, as new as the owner's, already routes the key elsewhere (here: to itself), so the
        // write goes there at once instead of waiting for a newer table that never comes.
        let n2 = try XCTUnwrap(nodes[0].runtime.routingSnapshot.members.values.first { $0.nodeID == NodeID("n2")! })
        let ownedByN1 = try XCTUnwrap(written.keys.sorted().first { nodes[0].runtime.route(key: ByteBuffer(string: $0), isWrite: true) == .local })
        var get = ByteBuffer()
        try MemcachedRequest.retrieve(RetrievalRequest(command: .get, keys: KeyList(line: ByteBuffer(string: ownedByN1)))).encode(into: &get)
        let read = try await nodes[0].runtime.forward(get, to: RoutingSnapshot.destination(of: n2.memberID), eventLoop: group.next()).get()
        XCTAssertEqual(String(buffer: read), "VALUE \(ownedByN1) 0 \(written[ownedByN1]!.utf8.count)\r\n\(written[ownedByN1]!)\r\nEND\r\n")
        // The callback form answers the same, called on the cluster loop (no promise: the answer
        // goes straight to the callback) and on the group's other loop (through a future).
        for loop in group.makeIterator() {
            let answer = loop.makePromise(of: ByteBuffer.self)
            let runtime = nodes[0].runtime
            let destination = RoutingSnapshot.destination(of: n2.memberID)
            let request = get
            loop.execute {
                runtime.forward(request, to: destination, on: loop) { result in
                    loop.preconditionInEventLoop()
                    answer.completeWith(result)
                }
            }
            // Bounded: a callback that never comes fails the test instead of hanging it.
            let timeout = loop.scheduleTask(in: .seconds(5)) { answer.fail(GatewayFailure(reason: "no callback within 5 s")) }
            let answered = try await answer.futureResult.get()
            timeout.cancel()
            XCTAssertEqual(String(buffer: answered), String(buffer: read))
        }
        var delete = ByteBuffer()
        try MemcachedRequest.delete(key: ByteBuffer(string: ownedByN1), noreply: false).encode(into: &delete)
        let deleted = try await nodes[0].runtime.forward(delete, to: RoutingSnapshot.destination(of: n2.memberID), eventLoop: group.next()).get()
        XCTAssertEqual(String(buffer: deleted), "DELETED\r\n")
        for node in nodes { XCTAssertNil(node.store.peek(ByteBuffer(string: ownedByN1)), "deleted on the primary and replicated") }

        // flush_all reaches every member.
        try await nodes[0].runtime.flushAll(delay: 0, eventLoop: group.next()).get()
        for node in nodes {
            for key in written.keys { XCTAssertNil(node.store.peek(ByteBuffer(string: key)), key) }
        }
    }
}
