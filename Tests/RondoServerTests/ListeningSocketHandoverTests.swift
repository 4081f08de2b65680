#if canImport(Glibc)
import Glibc
#endif
import Logging
import NIOCore
import NIOPosix
import RondoCore
import RondoEngine
import RondoProtocol
import RondoServer
import RondoStorage
import ServiceLifecycle
import XCTest

/// The in-place restart's socket handover, inside one process: a server stops, a duplicate of its
/// listening socket keeps clients queueing, and a second server adopts the socket and answers them.
final class ListeningSocketHandoverTests: XCTestCase {
    private func makeServer(inheriting descriptor: CInt? = nil, port: Int = 0) -> NodeServer {
        let clock = SystemClock()
        let store = ItemStore(configuration: StoreConfiguration(memoryLimitBytes: 8 << 20), clock: clock)
        let counters = NodeCounters()
        let engine = CommandEngine(store: store, clock: clock, settings: EngineSettings(), counters: counters)
        return NodeServer(
            configuration: NodeServerConfiguration(
                host: "127.0.0.1", port: port, threads: 1, drainTimeout: .seconds(5), inheritedListeningSocket: descriptor),
            engine: engine, store: store, counters: counters, limits: ProtocolLimits(), logger: Logger(label: "test"))
    }

    func testAClientConnectingBetweenTwoServersIsQueuedThenServedByTheSecond() async throws {
        let clientGroup = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let first = makeServer()
        let firstServices = ServiceGroup(configuration: .init(services: [first], logger: Logger(label: "test")))
        let firstRun = Task { try await firstServices.run() }
        let firstAddress = try await first.boundAddress()
        let port = try XCTUnwrap(firstAddress.port)
        let handedOver = try first.duplicateListeningSocketForExec()
        await firstServices.triggerGracefulShutdown()
        try await firstRun.value

        // No server runs: the socket still listens through the duplicate, so the kernel accepts
        // the connection into the backlog and the request waits there.
        let collector = ReplyCollector()
        let channel = try await ClientBootstrap(group: clientGroup)
            .connectTimeout(.seconds(5))
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(collector) }
            }
            .connect(host: "127.0.0.1", port: port).get()
        try await channel.writeAndFlush(ByteBuffer(string: "set k 0 0 2\r\nhi\r\n")).get()

        try ListeningSocket.adopt(handedOver, port: port)
        let second = makeServer(inheriting: handedOver, port: port)
        let secondServices = ServiceGroup(configuration: .init(services: [second], logger: Logger(label: "test")))
        let secondRun = Task { try await secondServices.run() }
        let secondAddress = try await second.boundAddress()
        XCTAssertEqual(secondAddress.port, port)
        try await collector.waitForBytes(count: "STORED\r\n".utf8.count, timeout: .seconds(10))
        XCTAssertEqual(collector.text, "STORED\r\n")

        await secondServices.triggerGracefulShutdown()
        try await channel.closeFuture.get()
        try await secondRun.value
        try await clientGroup.shutdownGracefully()
    }

    func testAdoptRefusesWhatIsNotAListeningSocketOnThePort() throws {
        XCTAssertThrowsError(try ListeningSocket.adopt(1, port: 0), "a standard stream")
        let file = open("/dev/null", O_RDONLY | O_CLOEXEC)
        XCTAssertGreaterThan(file, 2)
        defer { close(file) }
        XCTAssertThrowsError(try ListeningSocket.adopt(file, port: 0), "not a socket")
        let unlistened = socket(AF_INET, CInt(SOCK_STREAM.rawValue) | CInt(SOCK_CLOEXEC.rawValue), 0)
        defer { close(unlistened) }
        XCTAssertThrowsError(try ListeningSocket.adopt(unlistened, port: 0), "not listening")
        let listening = try ListeningSocket.open(host: "127.0.0.1", port: 0, backlog: 8)
        defer { close(listening) }
        XCTAssertNoThrow(try ListeningSocket.adopt(listening, port: 0))
        XCTAssertThrowsError(try ListeningSocket.adopt(listening, port: 1), "listening on another port")
        XCTAssertEqual(fcntl(listening, F_GETFD) & FD_CLOEXEC, FD_CLOEXEC, "close-on-exec again once adopted")
    }
}
