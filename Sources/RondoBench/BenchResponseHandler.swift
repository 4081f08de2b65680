import NIOCore

/// Passes decoded replies and channel events to the connection that owns the channel.
final class BenchResponseHandler: ChannelInboundHandler {
    typealias InboundIn = MemcachedResponse

    private let connection: BenchConnection

    init(connection: BenchConnection) {
        self.connection = connection
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        connection.receive(unwrapInboundIn(data))
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        // Replies of one read are answered with one write: refill the pipeline once per read.
        connection.refill()
        context.fireChannelReadComplete()
    }

    func channelInactive(context: ChannelHandlerContext) {
        connection.channelDidClose(context.channel)
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        connection.channelDidFail(context.channel, error: error)
        context.close(promise: nil)
    }
}
