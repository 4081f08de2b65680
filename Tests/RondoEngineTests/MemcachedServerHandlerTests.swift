import NIOCore
import NIOEmbedded
import RondoProtocol
import XCTest

@testable import RondoEngine

final class MemcachedServerHandlerTests: XCTestCase {
    private func makeChannel(_ harness: EngineHarness) throws -> EmbeddedChannel {
        let channel = EmbeddedChannel()
        try channel.pipeline.syncOperations.addMemcachedServerHandlers(engine: harness.engine, limits: harness.limits)
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 11211)).wait()
        return channel
    }

    /// Everything written so far, concatenated.
    private func written(_ channel: EmbeddedChannel) throws -> String {
        var text = ""
        while let buffer = try channel.readOutbound(as: ByteBuffer.self) { text += String(buffer: buffer) }
        return text
    }

    func testPipelinedRequestsAnsweredInOrderInOneWrite() throws {
        let h = EngineHarness()
        let channel = try makeChannel(h)
        try channel.writeInbound(ByteBuffer(string: "set a 0 0 1\r\nx\r\nget a\r\ndelete a\r\nget a\r\nversion\r\n"))
        let first = try XCTUnwrap(try channel.readOutbound(as: ByteBuffer.self))
        XCTAssertEqual(
            String(buffer: first),
            "STORED\r\nVALUE a 0 1\r\nx\r\nEND\r\nDELETED\r\nEND\r\nVERSION \(h.engine.settings.version)\r\n")
        XCTAssertNil(try channel.readOutbound(as: ByteBuffer.self))
        XCTAssertEqual(try h.stat("bytes_read"), "49")
        _ = try channel.finish()
    }

    func testDataBlockSplitAcrossReads() throws {
        let h = EngineHarness()
        let channel = try makeChannel(h)
        try channel.writeInbound(ByteBuffer(string: "set a 0 0 10\r\n01234"))
        XCTAssertEqual(try written(channel), "")
        try channel.writeInbound(ByteBuffer(string: "56789"))
        try channel.writeInbound(ByteBuffer(string: "\r"))
        try channel.writeInbound(ByteBuffer(string: "\nget a\r\n"))
        XCTAssertEqual(try written(channel), "STORED\r\nVALUE a 0 10\r\n0123456789\r\nEND\r\n")
        _ = try channel.finish()
    }

    func testQuitFlushesPendingRepliesAndCloses() throws {
        let h = EngineHarness()
        let channel = try makeChannel(h)
        try channel.writeInbound(ByteBuffer(string: "version\r\nquit\r\nversion\r\n"))
        XCTAssertEqual(try written(channel), "VERSION \(h.engine.settings.version)\r\n")
        XCTAssertFalse(channel.isActive)
    }

    func testQuiesceEventDrainsThenCloses() throws {
        let h = EngineHarness()
        let channel = try makeChannel(h)
        XCTAssertEqual(h.counters.currentConnectionCount, 1)
        try channel.writeInbound(ByteBuffer(string: "set a 0 0 1\r\nx\r\n"))
        XCTAssertEqual(try written(channel), "STORED\r\n")
        channel.pipeline.fireUserInboundEventTriggered(ChannelShouldQuiesceEvent())
        XCTAssertFalse(channel.isActive)
        XCTAssertEqual(h.counters.currentConnectionCount, 0)
    }

    func testOversizedLineCloses() throws {
        let h = EngineHarness()
        let channel = try makeChannel(h)
        try channel.writeInbound(ByteBuffer(string: "version\r\n"))
        // The handler consumes the decoder error and closes, as memcached closes silently.
        try channel.writeInbound(ByteBuffer(string: String(repeating: "x", count: 3000)))
        XCTAssertEqual(try written(channel), "VERSION \(h.engine.settings.version)\r\n")
        XCTAssertFalse(channel.isActive)
    }

    func testDisconnectMidDataBlockIsHarmless() throws {
        let h = EngineHarness()
        let channel = try makeChannel(h)
        try channel.writeInbound(ByteBuffer(string: "set a 0 0 100\r\npartial"))
        XCTAssertNoThrow(try channel.close().wait())
        XCTAssertEqual(h.counters.currentConnectionCount, 0)
        XCTAssertEqual(try h.run("get a\r\n"), "END\r\n")
    }

    func testLargeReplyIsFlushedBeforeReadComplete() throws {
        let h = EngineHarness()
        let channel = try makeChannel(h)
        let value = String(repeating: "v", count: 40_000)
        try channel.writeInbound(ByteBuffer(string: "set big 0 0 40000\r\n\(value)\r\n"))
        _ = try written(channel)
        // One read with two 40 KB hits: the first flush happens once the buffer passes 64 KiB.
        channel.pipeline.fireChannelRead(ByteBuffer(string: "get big\r\nget big\r\nget big\r\n"))
        let early = try written(channel)
        XCTAssertGreaterThanOrEqual(early.utf8.count, MemcachedServerHandler.flushThresholdBytes)
        channel.pipeline.fireChannelReadComplete()
        XCTAssertEqual((early + (try written(channel))).utf8.count, 3 * (40_000 + "VALUE big 0 40000\r\n\r\nEND\r\n".utf8.count))
        _ = try channel.finish()
    }

    func testStopsReadingWhileNotWritable() throws {
        let h = EngineHarness()
        let reads = ReadCounter()
        let channel = EmbeddedChannel()
        try channel.pipeline.syncOperations.addHandler(reads)
        try channel.pipeline.syncOperations.addMemcachedServerHandlers(engine: h.engine, limits: h.limits)
        channel.isWritable = false
        channel.read()
        XCTAssertEqual(reads.count, 0)
        channel.isWritable = true
        channel.pipeline.fireChannelWritabilityChanged()
        XCTAssertEqual(reads.count, 1)
        channel.read()
        XCTAssertEqual(reads.count, 2)
        _ = try channel.finish()
    }
}

/// Counts the reads that reach the head of the pipeline.
private final class ReadCounter: ChannelOutboundHandler {
    typealias OutboundIn = ByteBuffer
    var count = 0

    func read(context: ChannelHandlerContext) {
        count += 1
        context.read()
    }
}
