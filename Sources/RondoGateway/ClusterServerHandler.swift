import NIOCore
import RondoEngine
import RondoProtocol

/// One client connection of a cluster node: the memcached text protocol where any node answers any
/// key. Reads this node serves run through the engine at once; writes and keys owned elsewhere
/// become waiting reply slots fulfilled by the `ClusterRequestRouter` (a replicated local write, a
/// forward to the primary). Replies leave in request order (`ReplyQueue`), whatever order those
/// computations finish in.
///
/// Like `MemcachedServerHandler` it decodes in place (no `NIOAny` per request), batches the replies
/// of a read burst into one write, stops reading while the channel is not writable, closes on
/// `quit` and on fatal input, and on `ChannelShouldQuiesceEvent` answers what it received and
/// closes. In addition it stops decoding and reading while `maxWaitingReplies` replies are
/// outstanding or `queuedReplyBytesMax` bytes of ready replies wait behind them, and `quit` and
/// quiesce wait for the outstanding replies before closing.
public final class ClusterServerHandler: ChannelDuplexHandler, RemovableChannelHandler {
    public typealias InboundIn = ByteBuffer
    public typealias OutboundIn = ByteBuffer
    public typealias OutboundOut = ByteBuffer

    /// Outstanding (forwarded or replicating) replies per connection before reading stops.
    public static let defaultMaxWaitingReplies = 256
    /// Ready replies held back behind an outstanding one before reading stops: local reads keep
    /// being answered while a forward is slow, and this bounds what they may pile up.
    public static let queuedReplyBytesMax = 1 << 20

    private enum State {
        case open
        /// `quit`, fatal input or quiesce: nothing more is read; what is already buffered is still
        /// decoded (empty after `quit` and fatal input), and the connection closes once every reply
        /// is written.
        case draining
        /// The close is under way or done: completions are dropped.
        case closed
    }

    let engine: CommandEngine
    let router: any ClusterRequestRouter
    private let maxWaitingReplies: Int
    private var decoder: MemcachedRequestDecoder
    /// Received bytes not decoded yet (a partial request, or requests held back by back-pressure).
    private var inbound = ByteBuffer()
    var output = ByteBuffer()
    var replies = ReplyQueue()
    private var state = State.open
    /// A read was requested while reading was paused; issue it once possible.
    private var readPending = false
    private var context: ChannelHandlerContext?

    public init(
        engine: CommandEngine, router: any ClusterRequestRouter, limits: ProtocolLimits,
        maxWaitingReplies: Int = ClusterServerHandler.defaultMaxWaitingReplies
    ) {
        self.engine = engine
        self.router = router
        self.decoder = MemcachedRequestDecoder(limits: limits)
        self.maxWaitingReplies = max(1, maxWaitingReplies)
    }

    public func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        output = context.channel.allocator.buffer(capacity: 0)
    }

    public func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
        state = .closed
    }

    public func channelActive(context: ChannelHandlerContext) {
        engine.counters.connectionOpened()
        context.fireChannelActive()
    }

    public func channelInactive(context: ChannelHandlerContext) {
        state = .closed
        engine.counters.connectionClosed()
        context.fireChannelInactive()
    }

    public func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard case .open = state else { return }
        var bytes = unwrapInboundIn(data)
        engine.counters.addBytesRead(bytes.readableBytes)
        if inbound.readableBytes == 0 {
            inbound = bytes
        } else {
            // Only a partial request (or a back-pressure backlog) is left: compact before appending.
            inbound.discardReadBytes()
            inbound.writeBuffer(&bytes)
        }
        decodeAndDispatch(context: context)
        if inbound.readableBytes == 0 {
            // Everything was decoded (the usual case): let go of the channel's receive buffer so
            // its pool reuses it for the next read instead of allocating a fresh one while this
            // connection still holds it. Requests that outlive this call (forwards, local writes)
            // carry copies or their own slices, which keep the storage alive as long as they need.
            inbound = ByteBuffer()
        }
    }

    public func channelReadComplete(context: ChannelHandlerContext) {
        // The output only ever holds replies that precede every outstanding one: send them.
        if state != .closed { flushPending(context: context) }
        context.fireChannelReadComplete()
    }

    public func read(context: ChannelHandlerContext) {
        if mayRead(context: context) {
            context.read()
        } else {
            readPending = true
        }
    }

    public func channelWritabilityChanged(context: ChannelHandlerContext) {
        resumeReadingIfPossible(context: context)
        context.fireChannelWritabilityChanged()
    }

    public func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is ChannelShouldQuiesceEvent {
            // Every complete request received so far is answered — those held back by
            // back-pressure are decoded as replies leave — then the connection closes.
            if case .open = state {
                decodeAndDispatch(context: context)
                beginDraining(context: context)
            }
            return
        }
        context.fireUserInboundEventTriggered(event)
    }

    // MARK: - Decoding

    private func mayRead(context: ChannelHandlerContext) -> Bool {
        guard case .open = state else { return false }
        return context.channel.isWritable && hasRoomForReplies
    }

    private var hasRoomForReplies: Bool {
        replies.waitingCount < maxWaitingReplies && replies.queuedBytes < Self.queuedReplyBytesMax
    }

    private func resumeReadingIfPossible(context: ChannelHandlerContext) {
        if readPending && mayRead(context: context) {
            readPending = false
            context.read()
        }
    }

    /// Decodes and dispatches requests until the bytes run out, too many replies are outstanding,
    /// or the connection closes.
    private func decodeAndDispatch(context: ChannelHandlerContext) {
        while state != .closed, hasRoomForReplies {
            let request: MemcachedRequest?
            do {
                request = try decoder.decode(buffer: &inbound)
            } catch {
                // Fatal input (an endless line): memcached closes without a reply. Replies to the
                // requests before it are still sent once they are complete.
                discardUndecodedInput()
                beginDraining(context: context)
                return
            }
            guard let request else { return }
            dispatch(request, context: context)
        }
    }

    // MARK: - Replies

    /// Makes room in the output buffer for this burst (see `MemcachedServerHandler.execute`: the
    /// storage is reused once the previous write released it).
    func prepareOutput() {
        if output.readableBytes == 0 && output.writerIndex > 0 { output.clear() }
    }

    /// Writes reply bytes after every earlier reply: straight into the output when nothing is
    /// outstanding (the hot path), else into the reply queue.
    func emit(_ write: (inout ByteBuffer) -> Void) {
        if replies.isEmpty {
            prepareOutput()
            write(&output)
        } else {
            replies.appendReady(write)
        }
    }

    func flushIfLarge(context: ChannelHandlerContext) {
        if output.readableBytes >= MemcachedServerHandler.flushThresholdBytes { flushPending(context: context) }
    }

    /// Reserves the reply slot of `future` and fills it when the future completes. `noreply`
    /// requests keep their slot (the request still runs in order) but write nothing.
    func awaitReply(_ future: EventLoopFuture<ByteBuffer>, noreply: Bool, context: ChannelHandlerContext) {
        let sequence = replies.appendWaiting()
        let loopBound = NIOLoopBound(self, eventLoop: context.eventLoop)
        future.hop(to: context.eventLoop).whenComplete { result in
            loopBound.value.complete(sequence, with: result, noreply: noreply)
        }
    }

    /// Fills reply slot `sequence` with a result: its bytes, or the error as `SERVER_ERROR`.
    func complete(_ sequence: UInt64, with result: Result<ByteBuffer, any Error>, noreply: Bool) {
        let reply: ByteBuffer
        switch result {
        case .success(let bytes): reply = noreply ? ByteBuffer() : bytes
        case .failure(let error):
            reply = noreply ? ByteBuffer() : ServerErrorReply.bytes(reason: ServerErrorReply.reason(of: error))
        }
        complete(sequence, with: reply)
    }

    private func complete(_ sequence: UInt64, with reply: ByteBuffer) {
        guard let context, state != .closed else { return }
        replies.fulfil(sequence, with: reply)
        prepareOutput()
        replies.popReady(into: &output)
        decodeAndDispatch(context: context)
        flushPending(context: context)
        if case .draining = state {
            closeIfDrained(context: context)
        } else {
            resumeReadingIfPossible(context: context)
        }
    }

    func discardUndecodedInput() {
        inbound.clear()
    }

    func beginDraining(context: ChannelHandlerContext) {
        guard case .open = state else { return }
        state = .draining
        closeIfDrained(context: context)
    }

    private func closeIfDrained(context: ChannelHandlerContext) {
        guard case .draining = state, replies.isEmpty else { return }
        flushPending(context: context)
        state = .closed
        context.close(mode: .all, promise: nil)
    }

    private func flushPending(context: ChannelHandlerContext) {
        guard output.readableBytes > 0 else { return }
        engine.counters.addBytesWritten(output.readableBytes)
        context.writeAndFlush(wrapOutboundOut(output), promise: nil)
        output.moveReaderIndex(to: output.writerIndex)
    }
}
