import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import RondoCore
import RondoEngine
import RondoProtocol
import RondoServer
import RondoStorage
import ServiceLifecycle
import XCTest

/// A real node on 127.0.0.1, port 0, driven through its service lifecycle.
final class NodeServerTests: XCTestCase {
    private func makeServer(drainTimeout: TimeAmount = .seconds(5)) -> NodeServer {
        let clock = SystemClock()
        let store = ItemStore(configuration: StoreConfiguration(memoryLimitBytes: 8 << 20), clock: clock)
        let counters = NodeCounters()
        let engine = CommandEngine(store: store, clock: clock, settings: EngineSettings(), counters: counters)
        return NodeServer(
            configuration: NodeServerConfiguration(host: "127.0.0.1", port: 0, threads: 1, drainTimeout: drainTimeout),
            engine: engine, store: store, counters: counters, limits: ProtocolLimits(),
            logger: Logger(label: "test"))
    }

    /// Sends `request` on a fresh connection and collects everything until the server closes or
    /// `expectedReplyBytes` have arrived.
    private func exchange(_ request: String, port: Int, group: any EventLoopGroup) async throws -> (any Channel, ReplyCollector) {
        let collector = ReplyCollector()
        let channel = try await ClientBootstrap(group: group)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(collector) }
            }
            .connect(host: "127.0.0.1", port: port).get()
        try await channel.writeAndFlush(ByteBuffer(string: request)).get()
        return (channel, collector)
    }

    func testServesThenDrainsOnGracefulShutdown() async throws {
        let server = makeServer()
        let services = ServiceGroup(configuration: .init(services: [server], logger: Logger(label: "test")))
        let clientGroup = MultiThreadedEventLoopGroup(numberOfThreads: 1)

        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await services.run() }
            let address = try await server.boundAddress()
            let port = try XCTUnwrap(address.port)
            XCTAssertNotEqual(port, 0)

            let (channel, collector) = try await exchange(
                "set k 0 0 5\r\nhello\r\nget k\r\n", port: port, group: clientGroup)
            try await collector.waitForBytes(count: "STORED\r\nVALUE k 0 5\r\nhello\r\nEND\r\n".utf8.count, timeout: .seconds(10))
            XCTAssertEqual(collector.text, "STORED\r\nVALUE k 0 5\r\nhello\r\nEND\r\n")

            await services.triggerGracefulShutdown()
            // The drain closes the idle connection and the service returns.
            try await channel.closeFuture.get()
            try await tasks.next()
        }
        try await clientGroup.shutdownGracefully()
    }

    func testBindFailureIsReportedNotHung() async throws {
        let blocker = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .bind(host: "127.0.0.1", port: 0).get()
        let port = try XCTUnwrap(blocker.localAddress?.port)

        let clock = SystemClock()
        let store = ItemStore(configuration: StoreConfiguration(memoryLimitBytes: 8 << 20), clock: clock)
        let counters = NodeCounters()
        let server = NodeServer(
            configuration: NodeServerConfiguration(host: "127.0.0.1", port: port, threads: 1),
            engine: CommandEngine(store: store, clock: clock, settings: EngineSettings(), counters: counters),
            store: store, counters: counters, limits: ProtocolLimits(), logger: Logger(label: "test"))
        do {
            try await server.run()
            XCTFail("binding a taken port must fail")
        } catch {
            // Expected: address in use.
        }
        await XCTAssertThrowsAsync(try await server.boundAddress())
        try await blocker.close()
    }
}

private func XCTAssertThrowsAsync<T>(_ expression: @autoclosure () async throws -> T, file: StaticString = #filePath, line: UInt = #line) async {
    do {
        _ = try await expression()
        XCTFail("expected an error", file: file, line: line)
    } catch {}
}

/// Collects the bytes a connection receives.
final class ReplyCollector: ChannelInboundHandler, Sendable {
    typealias InboundIn = ByteBuffer
    private let received = NIOLockedValueBox(ByteBuffer())

    var text: String { received.withLockedValue { String(buffer: $0) } }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var chunk = unwrapInboundIn(data)
        _ = received.withLockedValue { $0.writeBuffer(&chunk) }
    }

    func waitForBytes(count: Int, timeout: Duration) async throws {
        let deadline = ContinuousClock.now + timeout
        while received.withLockedValue({ $0.readableBytes }) < count {
            guard ContinuousClock.now < deadline else { throw ChannelError.connectTimeout(.seconds(0)) }
            try await Task.sleep(for: .milliseconds(10))
        }
    }
}
