import NIOCore
import NIOEmbedded
import RondoCore
import RondoEngine
import RondoGateway
import RondoProtocol
import RondoStorage
import XCTest

/// A `ClusterRequestRouter` whose routes are set per key and whose futures the test fulfils.
/// Used only from the `EmbeddedEventLoop`'s thread (the test's), hence `@unchecked Sendable`.
final class FakeRouter: ClusterRequestRouter, @unchecked Sendable {
    struct Forward {
        var request: String
        var destination: GatewayDestination
        var promise: EventLoopPromise<ByteBuffer>
    }

    struct LocalWrite {
        var request: MemcachedRequest
        /// The engine's reply, computed when the write was handed over (as the runtime does).
        var reply: ByteBuffer
        var promise: EventLoopPromise<ByteBuffer>
    }

    /// The store local writes apply to, at once, as the runtime applies them before replicating.
    var engine: CommandEngine?

    /// Keys not listed route `.local`.
    var routes: [String: GatewayRoute] = [:]
    var forwards: [Forward] = []
    var localWrites: [LocalWrite] = []
    var flushes: [(delay: Int64, promise: EventLoopPromise<Void>)] = []
    var table: ByteBuffer?
    var routeCalls: [(key: String, isWrite: Bool)] = []

    func route(key: ByteBuffer, isWrite: Bool) -> GatewayRoute {
        let name = String(buffer: key)
        routeCalls.append((name, isWrite))
        return routes[name] ?? .local
    }

    func executeLocalWrite(_ request: MemcachedRequest, eventLoop: any EventLoop) -> EventLoopFuture<ByteBuffer> {
        let promise = eventLoop.makePromise(of: ByteBuffer.self)
        var reply = ByteBuffer()
        _ = engine?.execute(request, into: &reply)
        localWrites.append(LocalWrite(request: request, reply: reply, promise: promise))
        return promise.futureResult
    }

    func forward(_ encodedRequest: ByteBuffer, to destination: GatewayDestination, eventLoop: any EventLoop) -> EventLoopFuture<ByteBuffer> {
        let promise = eventLoop.makePromise(of: ByteBuffer.self)
        forwards.append(Forward(request: String(buffer: encodedRequest), destination: destination, promise: promise))
        return promise.futureResult
    }

    func flushAll(delay: Int64, eventLoop: any EventLoop) -> EventLoopFuture<Void> {
        let promise = eventLoop.makePromise(of: Void.self)
        flushes.append((delay, promise))
        return promise.futureResult
    }

    func routingTableReply() -> ByteBuffer? { table }

    /// The forward sent to `destination` (exactly one expected).
    func forward(to destination: String, file: StaticString = #filePath, line: UInt = #line) throws -> Forward {
        let matching = forwards.filter { $0.destination.memberID == destination }
        XCTAssertEqual(matching.count, 1, "forwards to \(destination): \(matching.map(\.request))", file: file, line: line)
        return try XCTUnwrap(matching.first, file: file, line: line)
    }
}

func remote(_ member: String) -> GatewayRoute { .remote(GatewayDestination(memberID: member)) }

/// Counts the reads that reach the head of the pipeline, i.e. that the handler let through.
final class ReadCounter: ChannelOutboundHandler {
    typealias OutboundIn = ByteBuffer
    var reads = 0

    func read(context: ChannelHandlerContext) {
        reads += 1
        context.read()
    }
}

/// An engine over a fresh store, a fake router, and an `EmbeddedChannel` with the cluster handler.
struct GatewayHarness {
    let clock = ManualClock(startingAt: 1_700_000_000)
    let engine: CommandEngine
    let router = FakeRouter()
    let readCounter = ReadCounter()
    let channel = EmbeddedChannel()

    init(maxWaitingReplies: Int = ClusterServerHandler.defaultMaxWaitingReplies) throws {
        let store = ItemStore(
            configuration: StoreConfiguration(memoryLimitBytes: 64 << 20, eviction: .lru, maxItemBytes: 1 << 20),
            clock: clock)
        engine = CommandEngine(
            store: store, clock: clock,
            settings: EngineSettings(maxItemBytes: 1 << 20, memoryLimitBytes: 64 << 20, eviction: .lru),
            counters: NodeCounters())
        router.engine = engine
        try channel.pipeline.syncOperations.addHandler(readCounter)
        try channel.pipeline.syncOperations.addClusterServerHandlers(
            engine: engine, router: router, limits: ProtocolLimits(), maxWaitingReplies: maxWaitingReplies)
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 11211)).wait()
    }

    /// Stores an item straight into the local engine (as if this node had it).
    func storeLocally(_ key: String, _ value: String) {
        var decoder = MemcachedRequestDecoder()
        var input = ByteBuffer(string: "set \(key) 0 0 \(value.utf8.count)\r\n\(value)\r\n")
        var out = ByteBuffer()
        while let request = try? decoder.decode(buffer: &input) { _ = engine.execute(request, into: &out) }
    }

    func send(_ text: String) throws {
        try channel.writeInbound(ByteBuffer(string: text))
    }

    /// Everything written so far, concatenated.
    func written() throws -> String {
        var text = ""
        while let buffer = try channel.readOutbound(as: ByteBuffer.self) { text += String(buffer: buffer) }
        return text
    }
}
