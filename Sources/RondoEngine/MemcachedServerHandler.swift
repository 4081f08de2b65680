import NIOCore
import RondoProtocol

/// One connection of the memcached text protocol: decodes the received bytes with
/// `MemcachedRequestDecoder`, runs each request through the engine and batches the replies.
///
/// The decoder runs inside this handler (`NIOSingleStepByteToMessageProcessor`) rather than in a
/// separate `ByteToMessageHandler` so that requests never pass through `NIOAny`: a request is larger
/// than an existential's inline buffer, and boxing it would cost an allocation per request.
///
/// Everything answered during one read burst goes out in one write + flush on `channelReadComplete`
/// (or earlier once the pending output passes `flushThresholdBytes`). Closes on `quit`, on fatal
/// decoder errors, and after answering what was received on `ChannelShouldQuiesceEvent`.
///
/// Back-pressure: while the channel is not writable (the client does not read its replies), no
/// further reads are requested, as memcached stops reading a connection it cannot write to.
public final class MemcachedServerHandler: ChannelDuplexHandler, RemovableChannelHandler {
    public typealias InboundIn = ByteBuffer
    public typealias OutboundIn = ByteBuffer
    public typealias OutboundOut = ByteBuffer

    /// Pending output above this is written without waiting for the end of the read burst.
    public static let flushThresholdBytes = 64 * 1024

    private enum State {
        case open
        /// Replies are flushed and the close is under way: later bytes are ignored.
        case closing
    }

    private let engine: CommandEngine
    private let processor: NIOSingleStepByteToMessageProcessor<MemcachedRequestDecoder>
    private var output = ByteBuffer()
    private var state = State.open
    /// A read was requested while the channel was not writable; issue it once writable again.
    private var readPending = false

    public init(engine: CommandEngine, limits: ProtocolLimits) {
        self.engine = engine
        self.processor = NIOSingleStepByteToMessageProcessor(MemcachedRequestDecoder(limits: limits))
    }

    public func handlerAdded(context: ChannelHandlerContext) {
        output = context.channel.allocator.buffer(capacity: 0)
    }

    public func channelActive(context: ChannelHandlerContext) {
        engine.counters.connectionOpened()
        context.fireChannelActive()
    }

    public func channelInactive(context: ChannelHandlerContext) {
        // A request cut off by the disconnect (say, half a data block) is simply dropped with the
        // processor's buffer.
        engine.counters.connectionClosed()
        context.fireChannelInactive()
    }

    public func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard case .open = state else { return }
        let bytes = unwrapInboundIn(data)
        engine.counters.addBytesRead(bytes.readableBytes)
        do {
            try processor.process(buffer: bytes) { request in
                guard case .open = state else { return }
                execute(request, context: context)
            }
        } catch {
            // Fatal input (an endless line): memcached closes without a reply. Replies to the
            // requests before it are still sent.
            flushAndClose(context: context)
        }
    }

    private func execute(_ request: MemcachedRequest, context: ChannelHandlerContext) {
        // Reset the output only now, not right after the flush: by now the previous write has
        // normally completed and released its reference, so `clear()` finds the storage unique and
        // reuses it instead of allocating fresh storage for every burst.
        if output.readableBytes == 0 && output.writerIndex > 0 { output.clear() }
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

    public func read(context: ChannelHandlerContext) {
        if context.channel.isWritable {
            context.read()
        } else {
            readPending = true
        }
    }

    public func channelWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable && readPending {
            readPending = false
            context.read()
        }
        context.fireChannelWritabilityChanged()
    }

    public func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is ChannelShouldQuiesceEvent {
            // Requests are executed as they are decoded, so every complete request received so far
            // has been answered: send those answers, then close.
            if case .open = state { flushAndClose(context: context) }
            return
        }
        context.fireUserInboundEventTriggered(event)
    }

    private func flushPending(context: ChannelHandlerContext) {
        guard output.readableBytes > 0 else { return }
        engine.counters.addBytesWritten(output.readableBytes)
        context.writeAndFlush(wrapOutboundOut(output), promise: nil)
        // Marks the bytes as sent without touching the (now shared) storage; `execute` clears the
        // buffer before the next reply is written, once the write has had a chance to finish.
        output.moveReaderIndex(to: output.writerIndex)
    }

    private func flushAndClose(context: ChannelHandlerContext) {
        state = .closing
        flushPending(context: context)
        context.close(mode: .all, promise: nil)
    }
}
