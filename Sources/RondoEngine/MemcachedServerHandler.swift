import NIOCore
import RondoProtocol

/// Runs decoded requests through the engine and batches the replies: everything answered during one
/// read burst goes out in one write + flush on `channelReadComplete` (or earlier once the pending
/// output passes `flushThresholdBytes`). Closes on `quit`, on decoder errors, and after draining on
/// `ChannelShouldQuiesceEvent`.
public final class MemcachedServerHandler: ChannelInboundHandler, RemovableChannelHandler {
    public typealias InboundIn = MemcachedRequest
    public typealias OutboundOut = ByteBuffer

    /// Pending output above this is written without waiting for the end of the read burst.
    public static let flushThresholdBytes = 64 * 1024

    private enum State {
        case open
        /// Replies are flushed and the close is under way: later requests are ignored.
        case closing
    }

    private let engine: CommandEngine
    private var output = ByteBuffer()
    private var state = State.open

    public init(engine: CommandEngine) {
        self.engine = engine
    }

    public func handlerAdded(context: ChannelHandlerContext) {
        output = context.channel.allocator.buffer(capacity: 0)
    }

    public func channelActive(context: ChannelHandlerContext) {
        engine.counters.connectionOpened()
        context.fireChannelActive()
    }

    public func channelInactive(context: ChannelHandlerContext) {
        engine.counters.connectionClosed()
        context.fireChannelInactive()
    }

    public func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard case .open = state else { return }
        let request = unwrapInboundIn(data)
        switch engine.execute(request, into: &output) {
        case .continue:
            if output.readableBytes >= Self.flushThresholdBytes { flushPending(context: context) }
        case .close:
            flushAndClose(context: context)
        }
    }

    public func channelReadComplete(context: ChannelHandlerContext) {
        if case .open = state { flushPending(context: context) }
        context.fireChannelReadComplete()
    }

    public func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is ChannelShouldQuiesceEvent {
            // Every request received so far has been answered (requests are executed as they are
            // decoded); send those answers, then close.
            if case .open = state { flushAndClose(context: context) }
            return
        }
        context.fireUserInboundEventTriggered(event)
    }

    public func errorCaught(context: ChannelHandlerContext, error: Error) {
        // Decoder errors (an endless line) are fatal: memcached closes without a reply. Replies to
        // the requests before it are still sent.
        if case .open = state { flushAndClose(context: context) }
    }

    private func flushPending(context: ChannelHandlerContext) {
        guard output.readableBytes > 0 else { return }
        engine.counters.addBytesWritten(output.readableBytes)
        context.writeAndFlush(wrapOutboundOut(output), promise: nil)
        // The written buffer now shares storage; clear() gives this one fresh storage on next write.
        output.clear()
    }

    private func flushAndClose(context: ChannelHandlerContext) {
        state = .closing
        flushPending(context: context)
        context.close(mode: .all, promise: nil)
    }
}
