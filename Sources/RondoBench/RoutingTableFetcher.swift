import NIOCore
import NIOPosix

/// Fetches a cluster's routing table with `rondo_routing` over a short-lived connection of its own,
/// bounded in time and in reply size.
public enum RoutingTableFetcher {
    public static func fetch(
        from server: ServerAddress, group: any EventLoopGroup, timeout: TimeAmount = .seconds(5)
    ) async throws -> RoutingTableSnapshot {
        let eventLoop = group.next()
        let reply = eventLoop.makePromise(of: ByteBuffer.self)
        let channel: any Channel
        do {
            channel = try await ClientBootstrap(group: eventLoop)
                .connectTimeout(timeout)
                .channelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHandler(RoutingReplyCollector(reply: reply))
                    }
                }
                .connect(host: server.host, port: server.port).get()
        } catch {
            reply.fail(RoutingTableError.unreachable(server, reason: "\(error)"))
            throw RoutingTableError.unreachable(server, reason: "\(error)")
        }
        let timer = eventLoop.scheduleTask(in: timeout) {
            reply.fail(RoutingTableError.unreachable(server, reason: "no complete reply within \(timeout)"))
        }
        defer {
            timer.cancel()
            channel.close(promise: nil)
        }
        try await channel.writeAndFlush(ByteBuffer(string: "rondo_routing\r\n"))
        let bytes = try await reply.futureResult.get()
        return try RoutingTableSnapshot(parsing: String(buffer: bytes))
    }
}

/// Accumulates the reply until it is complete: `END\r\n` after the table, or a single error line.
final class RoutingReplyCollector: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer

    private let reply: EventLoopPromise<ByteBuffer>
    private var received = ByteBuffer()

    init(reply: EventLoopPromise<ByteBuffer>) {
        self.reply = reply
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var bytes = unwrapInboundIn(data)
        received.writeBuffer(&bytes)
        guard received.readableBytes <= RoutingTableSnapshot.Limits.replyBytesMax else {
            reply.fail(RoutingTableError.malformed("reply longer than \(RoutingTableSnapshot.Limits.replyBytesMax) bytes"))
            context.close(promise: nil)
            return
        }
        if Self.isComplete(received) { reply.succeed(received) }
    }

    func channelInactive(context: ChannelHandlerContext) {
        reply.fail(RoutingTableError.malformed("connection closed before the reply was complete"))
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        reply.fail(error)
        context.close(promise: nil)
    }

    /// A table ends with `\r\nEND\r\n`; an error reply is one line that does not start a table.
    static func isComplete(_ buffer: ByteBuffer) -> Bool {
        let text = String(buffer: buffer)
        guard text.hasSuffix("\r\n") else { return false }
        if text.hasPrefix("ROUTING ") { return text.hasSuffix("\r\nEND\r\n") }
        return true
    }
}
