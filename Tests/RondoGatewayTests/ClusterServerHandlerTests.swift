import NIOCore
import NIOEmbedded
import RondoGateway
import RondoProtocol
import XCTest

final class ClusterServerHandlerTests: XCTestCase {
    func testLocalReadsAnswerAtOnceInOneWrite() throws {
        let h = try GatewayHarness()
        h.storeLocally("a", "x")
        try h.send("get a\r\nget b\r\nversion\r\n")
        XCTAssertEqual(try h.written(), "VALUE a 0 1\r\nx\r\nEND\r\nEND\r\nVERSION \(h.engine.settings.version)\r\n")
        XCTAssertTrue(h.router.forwards.isEmpty)
        XCTAssertEqual(h.router.routeCalls.map(\.isWrite), [false, false])
        _ = try h.channel.finish()
    }

    func testSlowRemoteReplyPrecedesFastLocalReply() throws {
        let h = try GatewayHarness()
        h.router.routes["r"] = remote("n2")
        h.storeLocally("l", "local")
        try h.send("get r\r\nget l\r\n")
        // The local reply is ready, but the remote one comes first in request order.
        XCTAssertEqual(try h.written(), "")
        let forward = try h.router.forward(to: "n2")
        XCTAssertEqual(forward.request, "get r\r\n")
        forward.promise.succeed(ByteBuffer(string: "VALUE r 0 6\r\nremote\r\nEND\r\n"))
        XCTAssertEqual(try h.written(), "VALUE r 0 6\r\nremote\r\nEND\r\nVALUE l 0 5\r\nlocal\r\nEND\r\n")
        _ = try h.channel.finish()
    }

    func testRepliesCompletingOutOfOrderLeaveInRequestOrder() throws {
        let h = try GatewayHarness()
        h.router.routes["a"] = remote("n1")
        h.router.routes["b"] = remote("n2")
        try h.send("delete a\r\ndelete b\r\nversion\r\n")
        try h.router.forward(to: "n2").promise.succeed(ByteBuffer(string: "DELETED\r\n"))
        XCTAssertEqual(try h.written(), "")
        try h.router.forward(to: "n1").promise.succeed(ByteBuffer(string: "NOT_FOUND\r\n"))
        XCTAssertEqual(try h.written(), "NOT_FOUND\r\nDELETED\r\nVERSION \(h.engine.settings.version)\r\n")
        _ = try h.channel.finish()
    }

    func testWritesOnALocalPrimaryWaitForTheRuntime() throws {
        let h = try GatewayHarness()
        try h.send("set k 0 0 1\r\nx\r\nmg k v\r\n")
        XCTAssertEqual(h.router.localWrites.count, 1)
        XCTAssertEqual(h.router.localWrites.first?.request, try decodeOne("set k 0 0 1\r\nx\r\n"))
        // The read after it sees the write (applied when handed over) but answers after it.
        XCTAssertEqual(try h.written(), "")
        let write = h.router.localWrites[0]
        XCTAssertEqual(String(buffer: write.reply), "STORED\r\n")
        write.promise.succeed(write.reply)
        XCTAssertEqual(try h.written(), "STORED\r\nVA 1\r\nx\r\n")
        _ = try h.channel.finish()
    }

    func testMultiGetMergesAcrossThreeDestinationsInKeyOrder() throws {
        let h = try GatewayHarness()
        h.storeLocally("a", "A")
        for (key, member) in [("b", "n1"), ("f", "n1"), ("c", "n2"), ("g", "n2"), ("d", "n3")] {
            h.router.routes[key] = remote(member)
        }
        // e is a local miss, g a remote miss; b is asked twice.
        try h.send("gets a b c d e f g b\r\n")
        XCTAssertEqual(try h.router.forward(to: "n1").request, "gets b f b\r\n")
        XCTAssertEqual(try h.router.forward(to: "n2").request, "gets c g\r\n")
        XCTAssertEqual(try h.router.forward(to: "n3").request, "gets d\r\n")
        try h.router.forward(to: "n3").promise.succeed(ByteBuffer(string: "VALUE d 4 1 40\r\nD\r\nEND\r\n"))
        try h.router.forward(to: "n2").promise.succeed(ByteBuffer(string: "VALUE c 3 1 30\r\nC\r\nEND\r\n"))
        XCTAssertEqual(try h.written(), "")
        try h.router.forward(to: "n1").promise.succeed(
            ByteBuffer(string: "VALUE b 2 3 20\r\nB\r\n\r\nVALUE f 6 1 60\r\nF\r\nVALUE b 2 3 20\r\nB\r\n\r\nEND\r\n"))
        let localA = try XCTUnwrap(h.engineReply("gets a\r\n").components(separatedBy: "END\r\n").first)
        XCTAssertEqual(
            try h.written(),
            localA + "VALUE b 2 3 20\r\nB\r\n\r\nVALUE c 3 1 30\r\nC\r\nVALUE d 4 1 40\r\nD\r\n"
                + "VALUE f 6 1 60\r\nF\r\nVALUE b 2 3 20\r\nB\r\n\r\nEND\r\n")
        _ = try h.channel.finish()
    }

    func testGatAcrossOwnersTouchesLocalKeysThroughTheRuntime() throws {
        let h = try GatewayHarness()
        h.storeLocally("a", "A")
        h.router.routes["b"] = remote("n1")
        try h.send("gats 100 a b\r\n")
        XCTAssertEqual(h.router.routeCalls.map(\.isWrite), [true, true, true, true])
        // The local part is a write (it changes the TTL): it goes to the runtime, not the engine.
        XCTAssertEqual(h.router.localWrites.map(\.request), [try decodeOne("gats 100 a\r\n")])
        XCTAssertEqual(h.router.forwards.map(\.request), ["gats 100 b\r\n"])
        h.router.forwards[0].promise.succeed(ByteBuffer(string: "VALUE b 0 1 9\r\nB\r\nEND\r\n"))
        let local = h.router.localWrites[0]
        local.promise.succeed(local.reply)
        let localA = try XCTUnwrap(String(buffer: local.reply).components(separatedBy: "END\r\n").first)
        XCTAssertTrue(localA.hasPrefix("VALUE a 0 1 "), localA)
        XCTAssertEqual(try h.written(), localA + "VALUE b 0 1 9\r\nB\r\nEND\r\n")
        _ = try h.channel.finish()
    }

    func testMultiGetWithOneRouteIsRelayedUnchanged() throws {
        let h = try GatewayHarness()
        h.router.routes["x"] = remote("n1")
        h.router.routes["y"] = remote("n1")
        try h.send("get x y\r\n")
        try h.router.forward(to: "n1").promise.succeed(ByteBuffer(string: "VALUE y 0 1\r\n1\r\nEND\r\n"))
        XCTAssertEqual(try h.written(), "VALUE y 0 1\r\n1\r\nEND\r\n")
        _ = try h.channel.finish()
    }

    func testFailedSubRequestFailsTheWholeMultiGet() throws {
        let h = try GatewayHarness()
        h.storeLocally("a", "A")
        h.router.routes["b"] = remote("n1")
        h.router.routes["c"] = remote("n2")
        try h.send("get a b c\r\nget a c b\r\n")
        XCTAssertEqual(h.router.forwards.count, 4)
        h.router.forwards[0].promise.succeed(ByteBuffer(string: "VALUE b 0 1\r\nB\r\nEND\r\n"))
        h.router.forwards[1].promise.fail(GatewayFailure(reason: "n2 unreachable\r\nextra"))
        // A malformed sub-reply (no END) fails the second command.
        h.router.forwards[2].promise.succeed(ByteBuffer(string: "VALUE c 0 1\r\nC\r\n"))
        h.router.forwards[3].promise.succeed(ByteBuffer(string: "END\r\n"))
        XCTAssertEqual(
            try h.written(), "SERVER_ERROR n2 unreachable  extra\r\nSERVER_ERROR malformed reply from owner\r\n")
        _ = try h.channel.finish()
    }

    func testUnavailableRouteAnswersServerError() throws {
        let h = try GatewayHarness()
        h.router.routes["u"] = .unavailable(reason: "vnode 7 has no primary")
        try h.send("get a u\r\nset u 0 0 1\r\nx\r\nset u 0 0 1 noreply\r\nx\r\nmg u v\r\n")
        XCTAssertEqual(try h.written(), String(repeating: "SERVER_ERROR vnode 7 has no primary\r\n", count: 3))
        XCTAssertTrue(h.router.forwards.isEmpty)
        _ = try h.channel.finish()
    }

    func testRemoteFailureAnswersServerError() throws {
        let h = try GatewayHarness()
        h.router.routes["r"] = remote("n1")
        try h.send("incr r 1\r\nmg r v\r\n")
        struct Opaque: Error {}
        h.router.forwards[0].promise.fail(Opaque())
        h.router.forwards[1].promise.fail(GatewayFailure(reason: "timed out"))
        XCTAssertEqual(try h.written(), "SERVER_ERROR request failed\r\nSERVER_ERROR timed out\r\n")
        _ = try h.channel.finish()
    }

    func testNoreplyRequestsAreForwardedButAnswerNothing() throws {
        let h = try GatewayHarness()
        h.router.routes["r"] = remote("n1")
        try h.send("set r 0 0 2 noreply\r\nab\r\ndelete r noreply\r\nversion\r\n")
        XCTAssertEqual(h.router.forwards.map(\.request), ["set r 0 0 2 noreply\r\nab\r\n", "delete r noreply\r\n"])
        h.router.forwards[0].promise.succeed(ByteBuffer())
        h.router.forwards[1].promise.fail(GatewayFailure(reason: "lost"))
        XCTAssertEqual(try h.written(), "VERSION \(h.engine.settings.version)\r\n")
        _ = try h.channel.finish()
    }

    func testMetaRequestsForwardWireKeysAndWriteIntent() throws {
        let h = try GatewayHarness()
        h.router.routes["a"] = remote("n1")
        try h.send("mg YQ== b v Oxy\r\nmg a T30 v\r\nme a\r\n")
        XCTAssertEqual(h.router.forwards.map(\.request), ["mg YQ== b v Oxy\r\n", "mg a T30 v\r\n", "me a\r\n"])
        XCTAssertEqual(h.router.routeCalls.map(\.key), ["a", "a", "a"])
        XCTAssertEqual(h.router.routeCalls.map(\.isWrite), [false, true, false])
        for forward in h.router.forwards { forward.promise.succeed(ByteBuffer(string: "EN\r\n")) }
        XCTAssertEqual(try h.written(), "EN\r\nEN\r\nEN\r\n")
        _ = try h.channel.finish()
    }

    func testFlushAllIsClusterWide() throws {
        let h = try GatewayHarness()
        try h.send("flush_all 5\r\nflush_all noreply\r\n")
        XCTAssertEqual(h.router.flushes.map(\.delay), [5, 0])
        h.router.flushes[1].promise.succeed(())
        XCTAssertEqual(try h.written(), "")
        h.router.flushes[0].promise.succeed(())
        XCTAssertEqual(try h.written(), "OK\r\n")
        _ = try h.channel.finish()
    }

    func testRoutingTableCommand() throws {
        let h = try GatewayHarness()
        try h.send("rondo_routing\r\n")
        XCTAssertEqual(try h.written(), "SERVER_ERROR no routing table yet\r\n")
        let table = RoutingTableReply(
            epoch: 9, replicas: 2,
            nodes: [.init(memberID: "n1", host: "127.0.0.1", clientPort: 11211), .init(memberID: "n2", host: "::1", clientPort: 11212)],
            vnodes: [["n1", "n2"], ["n2", "n1"]])
        h.router.table = table.encode()
        try h.send("rondo_routing\r\n")
        XCTAssertEqual(
            try h.written(),
            "ROUTING 9 2 fnv1a64-fmix64 2\r\nNODE n1 127.0.0.1:11211\r\nNODE n2 ::1:11212\r\nVNODE 0 n1,n2\r\nVNODE 1 n2,n1\r\nEND\r\n")
        _ = try h.channel.finish()
    }

    func testBackPressureStopsDecodingAndReadingAtTheBound() throws {
        let h = try GatewayHarness(maxWaitingReplies: 2)
        h.router.routes["r"] = remote("n1")
        h.channel.read()
        XCTAssertEqual(h.readCounter.reads, 1)
        try h.send("get r\r\nget r\r\nget r\r\nget r\r\nversion\r\n")
        // Two outstanding: the rest stays undecoded and no read is let through.
        XCTAssertEqual(h.router.forwards.count, 2)
        h.channel.read()
        XCTAssertEqual(h.readCounter.reads, 1)
        h.router.forwards[0].promise.succeed(ByteBuffer(string: "END\r\n"))
        // One slot freed: one more request decoded, and still full.
        XCTAssertEqual(h.router.forwards.count, 3)
        XCTAssertEqual(h.readCounter.reads, 1)
        XCTAssertEqual(try h.written(), "END\r\n")
        for index in 1..<3 { h.router.forwards[index].promise.succeed(ByteBuffer(string: "END\r\n")) }
        XCTAssertEqual(h.router.forwards.count, 4)
        h.router.forwards[3].promise.succeed(ByteBuffer(string: "END\r\n"))
        XCTAssertEqual(try h.written(), "END\r\nEND\r\nEND\r\nVERSION \(h.engine.settings.version)\r\n")
        // The read held back while full is issued once there is room.
        XCTAssertEqual(h.readCounter.reads, 2)
        _ = try h.channel.finish()
    }

    func testRepliesQueuedBehindASlowForwardAreBounded() throws {
        let h = try GatewayHarness()
        h.router.routes["r"] = remote("n1")
        let big = String(repeating: "v", count: 100_000)
        h.storeLocally("big", big)
        h.channel.read()
        try h.send("get r\r\n" + String(repeating: "get big\r\n", count: 20))
        // Local reads go on behind the forward until about 1 MiB of replies waits; then
        // decoding and reading stop.
        XCTAssertEqual(try h.stat("cmd_get"), "11")
        h.channel.read()
        XCTAssertEqual(h.readCounter.reads, 1)
        h.router.forwards[0].promise.succeed(ByteBuffer(string: "END\r\n"))
        let output = try h.written()
        XCTAssertEqual(output.components(separatedBy: "VALUE big 0 100000\r\n").count - 1, 20)
        XCTAssertTrue(output.hasPrefix("END\r\nVALUE big"))
        XCTAssertEqual(h.readCounter.reads, 2)
        _ = try h.channel.finish()
    }

    func testQuitWaitsForOutstandingRepliesThenCloses() throws {
        let h = try GatewayHarness()
        h.router.routes["r"] = remote("n1")
        try h.send("get r\r\nquit\r\nget r\r\n")
        XCTAssertEqual(h.router.forwards.count, 1)
        XCTAssertTrue(h.channel.isActive)
        h.router.forwards[0].promise.succeed(ByteBuffer(string: "END\r\n"))
        XCTAssertEqual(try h.written(), "END\r\n")
        XCTAssertFalse(h.channel.isActive)
    }

    func testQuiesceAnswersWhatWasReceivedThenCloses() throws {
        let h = try GatewayHarness()
        h.router.routes["r"] = remote("n1")
        try h.send("get r\r\nversion\r\nget par")
        h.channel.pipeline.fireUserInboundEventTriggered(ChannelShouldQuiesceEvent())
        XCTAssertTrue(h.channel.isActive)
        try h.send("tial\r\n")
        XCTAssertEqual(h.router.forwards.count, 1)
        h.router.forwards[0].promise.succeed(ByteBuffer(string: "END\r\n"))
        XCTAssertEqual(try h.written(), "END\r\nVERSION \(h.engine.settings.version)\r\n")
        XCTAssertFalse(h.channel.isActive)
    }

    func testQuiesceAnswersRequestsHeldBackByBackPressure() throws {
        let h = try GatewayHarness(maxWaitingReplies: 1)
        h.router.routes["r"] = remote("n1")
        try h.send("get r\r\nget r\r\nversion\r\n")
        h.channel.pipeline.fireUserInboundEventTriggered(ChannelShouldQuiesceEvent())
        XCTAssertEqual(h.router.forwards.count, 1)
        h.router.forwards[0].promise.succeed(ByteBuffer(string: "END\r\n"))
        XCTAssertEqual(h.router.forwards.count, 2)
        XCTAssertTrue(h.channel.isActive)
        h.router.forwards[1].promise.succeed(ByteBuffer(string: "VALUE r 0 1\r\n1\r\nEND\r\n"))
        XCTAssertEqual(try h.written(), "END\r\nVALUE r 0 1\r\n1\r\nEND\r\nVERSION \(h.engine.settings.version)\r\n")
        XCTAssertFalse(h.channel.isActive)
    }

    func testQuitDiscardsWhatFollowsEvenWhenHeldBack() throws {
        let h = try GatewayHarness(maxWaitingReplies: 1)
        h.router.routes["r"] = remote("n1")
        try h.send("get r\r\nquit\r\nget r\r\n")
        h.router.forwards[0].promise.succeed(ByteBuffer(string: "END\r\n"))
        XCTAssertEqual(h.router.forwards.count, 1)
        XCTAssertEqual(try h.written(), "END\r\n")
        XCTAssertFalse(h.channel.isActive)
    }

    func testLateCompletionAfterCloseIsDropped() throws {
        let h = try GatewayHarness()
        h.router.routes["r"] = remote("n1")
        try h.send("get r\r\n")
        try h.channel.close().wait()
        h.router.forwards[0].promise.succeed(ByteBuffer(string: "END\r\n"))
        XCTAssertEqual(try h.written(), "")
    }
}

extension GatewayHarness {
    /// What the local engine answers to `input`, without the channel.
    func engineReply(_ input: String) throws -> String {
        var decoder = MemcachedRequestDecoder()
        var buffer = ByteBuffer(string: input)
        var out = ByteBuffer()
        while let request = try decoder.decode(buffer: &buffer) { _ = engine.execute(request, into: &out) }
        return String(buffer: out)
    }

    /// One general `stats` value of the local engine.
    func stat(_ name: String) throws -> String? {
        for line in try engineReply("stats\r\n").split(separator: "\r\n") {
            let parts = line.split(separator: " ")
            if parts.count == 3, parts[1] == name { return String(parts[2]) }
        }
        return nil
    }
}

func decodeOne(_ input: String) throws -> MemcachedRequest? {
    var decoder = MemcachedRequestDecoder()
    var buffer = ByteBuffer(string: input)
    return try decoder.decode(buffer: &buffer)
}
