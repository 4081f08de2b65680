import NIOCore
import NIOPosix
import RondoBench
import RondoCore
import RondoEngine
import RondoGateway
import RondoProtocol
import RondoStorage
import Synchronization
import XCTest

/// `rondo bench --routing-aware` against three loopback servers running `ClusterServerHandler`:
/// the bench fetches the table with `rondo_routing` from the first, connects to all three, and
/// every key it sends must arrive at the node that is its vnode's primary.
final class RoutingAwareBenchTests: XCTestCase {
    /// Answers everything locally and counts keys that arrive at a node that is not their primary.
    final class OwnerCheckingRouter: ClusterRequestRouter {
        let engine: CommandEngine
        let nodeIndex: Int
        let primaries: [Int]
        let vnodeCount: VnodeCount
        let table: Mutex<ByteBuffer?> = Mutex(nil)
        let misrouted = Atomic<Int>(0)
        let routed = Atomic<Int>(0)

        init(engine: CommandEngine, nodeIndex: Int, primaries: [Int], vnodeCount: VnodeCount) {
            self.engine = engine
            self.nodeIndex = nodeIndex
            self.primaries = primaries
            self.vnodeCount = vnodeCount
        }

        func route(key: ByteBuffer, isWrite: Bool) -> GatewayRoute {
            let vnode = key.withUnsafeReadableBytes { VnodeHash.vnode(ofHash: VnodeHash.hash($0), vnodeCount: vnodeCount) }
            if primaries[vnode] != nodeIndex { misrouted.add(1, ordering: .relaxed) }
            routed.add(1, ordering: .relaxed)
            return .local
        }

        func executeLocalWrite(_ request: MemcachedRequest, eventLoop: any EventLoop) -> EventLoopFuture<ByteBuffer> {
            var reply = ByteBuffer()
            _ = engine.execute(request, into: &reply)
            return eventLoop.makeSucceededFuture(reply)
        }

        func forward(_ encodedRequest: ByteBuffer, to destination: GatewayDestination, eventLoop: any EventLoop) -> EventLoopFuture<ByteBuffer> {
            eventLoop.makeFailedFuture(GatewayFailure(reason: "this test forwards nothing"))
        }

        func flushAll(delay: Int64, eventLoop: any EventLoop) -> EventLoopFuture<Void> { eventLoop.makeSucceededVoidFuture() }

        func routingTableReply() -> ByteBuffer? { table.withLock { $0 } }
    }

    func testEveryKeyGoesToItsPrimary() async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let vnodeCount = try VnodeCount(16)
        let primaries = (0..<16).map { $0 % 3 }
        var routers: [OwnerCheckingRouter] = []
        var channels: [any Channel] = []
        do {
            for index in 0..<3 {
                let clock = SystemClock()
                let store = ItemStore(
                    configuration: StoreConfiguration(memoryLimitBytes: 16 << 20, eviction: .lru, maxItemBytes: 1 << 20), clock: clock)
                let engine = CommandEngine(
                    store: store, clock: clock,
                    settings: EngineSettings(maxItemBytes: 1 << 20, memoryLimitBytes: 16 << 20, eviction: .lru), counters: NodeCounters())
                let router = OwnerCheckingRouter(engine: engine, nodeIndex: index, primaries: primaries, vnodeCount: vnodeCount)
                let channel = try await ServerBootstrap(group: group)
                    .childChannelInitializer { child in
                        child.eventLoop.makeCompletedFuture {
                            try child.pipeline.syncOperations.addClusterServerHandlers(engine: engine, router: router, limits: ProtocolLimits())
                        }
                    }
                    .bind(host: "127.0.0.1", port: 0).get()
                routers.append(router)
                channels.append(channel)
            }
            let nodes = channels.enumerated().map { index, channel in
                RoutingTableReply.Node(memberID: "n\(index)", host: "127.0.0.1", clientPort: channel.localAddress!.port!)
            }
            let table = RoutingTableReply(
                epoch: 1, replicas: 1, nodes: nodes, vnodes: primaries.map { ["n\($0)"] }
            ).encode()
            for router in routers { router.table.withLock { $0 = table } }

            let configuration = BenchConfiguration(
                servers: [ServerAddress(host: "127.0.0.1", port: nodes[0].clientPort)], connections: 6,
                durationSeconds: 0.5, getRatio: 0.5, keyCount: 1_000, eventLoopThreads: 1, routingAware: true)
            let report = try await BenchRunner(configuration: configuration) { problem in XCTFail(problem) }.run()

            XCTAssertGreaterThan(report.summary.operations, 0)
            XCTAssertEqual(report.summary.errors.total, 0)
            XCTAssertEqual(report.summary.timeouts, 0)
            for (index, router) in routers.enumerated() {
                XCTAssertGreaterThan(router.routed.load(ordering: .relaxed), 0, "node \(index) got no keys")
                XCTAssertEqual(router.misrouted.load(ordering: .relaxed), 0, "node \(index) got keys it does not own")
            }
        } catch {
            XCTFail("\(error)")
        }
        for channel in channels { try? await channel.close() }
        try await group.shutdownGracefully()
    }
}
