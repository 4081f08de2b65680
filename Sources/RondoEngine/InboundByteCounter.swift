import NIOCore

/// Counts received bytes for `stats bytes_read` before the decoder sees them.
final class InboundByteCounter: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    private let counters: NodeCounters

    init(counters: NodeCounters) {
        self.counters = counters
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        counters.addBytesRead(unwrapInboundIn(data).readableBytes)
        context.fireChannelRead(data)
    }
}
