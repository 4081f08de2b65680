import Logging
import NIOCore
import RondoPeer

/// One peer connection (either side) once its channel exists: sends typed messages within
/// `PeerOutboundLimits`, answers an owner-decided admission, closes. Every method may be called
/// from any thread; the work runs on the channel's event loop. Frames sent before the handshake
/// completes wait (counted against the limits) and go out right after it.
///
/// Frames are encoded straight into one buffer per connection and written and flushed once per
/// event-loop iteration: a burst of forwarded requests or replies (one read of a client or peer
/// socket yields many) costs one encode each into that buffer, then one write, one promise and
/// one `writev` for the whole burst — no `PeerFrame`, buffer or promise per frame. The flush runs
/// as a task on the channel's loop, which the loop runs after it has handled every socket that was
/// ready in this iteration. A burst larger than `flushBatchFramesMax` is written as it goes, so at
/// most that many frames wait in the buffer (they count against the outbound limits like the
/// ones the socket did not take yet).
///
/// The buffer is written through the frame encoder's context, so it skips the encoder (it is
/// already bytes); the handshake handler's own frames still pass through the encoder.
public final class PeerConnection: Sendable, CustomStringConvertible {
    /// Frames encoded before a write is forced within one loop iteration.
    static let flushBatchFramesMax = 256
    /// A send buffer grown past this by a large frame (a transfer batch) is dropped after its
    /// write instead of kept for the next burst.
    static let retainedBufferBytesMax = 1 << 20

    public let id: PeerConnectionID
    public let channel: any Channel
    public let remoteAddress: SocketAddress?

    private struct State {
        var session: PeerSession?
        /// `session != nil`, kept as a flag: the send path asks it per frame, and comparing the
        /// optional session with nil would copy it.
        var isEstablished = false
        /// Where encoded frames are written: the frame encoder's context (its `write` goes to the
        /// handlers before it, the socket). Nil until the pipeline is configured.
        var encodedWriter: ChannelHandlerContext?
        /// Frames encoded but not written to the channel yet (before the handshake, all of them).
        var unwritten = ByteBuffer()
        var unwrittenFrames = 0
        /// Frames and bytes not handed to the socket yet: `unwritten` plus written batches whose
        /// write has not completed.
        var queuedFrames = 0
        var queuedBytes = 0
        var overflow: PeerDisconnectReason?
        var isClosing = false
        /// A write task is queued on the loop; frames sent until it runs share it.
        var isFlushScheduled = false
    }

    private let limits: PeerOutboundLimits
    private let frameBytesMax: Int
    private let logger: Logger
    private let state: NIOLoopBoundBox<State>

    /// Must be called on `channel.eventLoop` (from a channel initializer).
    init(channel: any Channel, limits: PeerOutboundLimits, frameBytesMax: Int = PeerProtocolLimits.default.frameBytesMax, logger: Logger) {
        self.id = .next()
        self.channel = channel
        self.remoteAddress = channel.remoteAddress
        self.limits = limits
        self.frameBytesMax = frameBytesMax
        self.logger = logger
        self.state = NIOLoopBoundBox(State(), eventLoop: channel.eventLoop)
    }

    public var description: String { "\(id) (\(remoteAddress.map { "\($0)" } ?? "no address"))" }

    /// The handshake's result; nil before it completes. Read on the event loop only.
    public var session: PeerSession? {
        channel.eventLoop.preconditionInEventLoop()
        return state.value.session
    }

    /// Why the transport closed this connection itself (overflow), if it did.
    var overflowReason: PeerDisconnectReason? { state.value.overflow }

    public func send<Message: PeerMessage>(_ message: Message) {
        if channel.eventLoop.inEventLoop {
            sendOnLoop(encode: { message.encode(into: &$0) }, frame: { _ in message.frame() })
        } else {
            onLoop { $0.send(message) }
        }
    }

    /// Sends a `ForwardedReply` to `requestID` whose reply bytes `writeReply` appends straight into
    /// the connection's send buffer (`ForwardedReply.encode(requestID:into:writingReply:)`): the
    /// owner of a forwarded read runs the engine into the frame, with no reply buffer of its own
    /// and no copy. Same limits and flushing as `send`. Must be called on the connection's event
    /// loop (where peer messages are delivered); elsewhere the reply is dropped and logged.
    public func sendForwardedReply(requestID: UInt64, writingReply writeReply: (inout ByteBuffer) -> Void) {
        guard channel.eventLoop.inEventLoop else {
            logger.error("forwarded reply sent off the connection's event loop; dropped", metadata: ["connection": "\(self)"])
            return
        }
        sendOnLoop(
            encode: { ForwardedReply.encode(requestID: requestID, into: &$0, writingReply: writeReply) },
            frame: { encoded in
                // Over the frame limit only: the same message as a frame, for the encoder to refuse.
                let replyBytes = encoded.readableBytes - ForwardedReply.inPlaceReplyOffset
                let reply = encoded.getSlice(at: encoded.readerIndex + ForwardedReply.inPlaceReplyOffset, length: replyBytes) ?? ByteBuffer()
                return ForwardedReply(requestID: requestID, reply: reply).frame()
            })
    }

    public func send(frame: PeerFrame) {
        onLoop { connection in
            connection.sendOnLoop(
                encode: { buffer in
                    frame.write(into: &buffer)
                    return frame.encodedBytes
                }, frame: { _ in frame })
        }
    }

    /// Answers `PeerListenerEvent.admissionRequested`.
    public func admit(_ answer: PeerAdmissionAnswer) {
        onLoop { connection in
            connection.channel.triggerUserOutboundEvent(answer, promise: nil)
        }
    }

    public func close() {
        onLoop { connection in
            connection.state.value.isClosing = true
            connection.channel.close(promise: nil)
        }
    }

    // MARK: - On the event loop

    /// Called by `PeerPipeline` once the encoder is in place.
    func attachEncodedWriter(_ context: ChannelHandlerContext) {
        state.value.encodedWriter = context
    }

    /// The channel closed: nothing more is sent (sends are dropped, as writes to a closed channel
    /// were), and the context is let go.
    func closedOnLoop() {
        state.value.isClosing = true
        state.value.encodedWriter = nil
        state.value.unwritten = ByteBuffer()
        state.value.unwrittenFrames = 0
    }

    func establishedOnLoop(_ session: PeerSession) {
        state.value.session = session
        state.value.isEstablished = true
        if state.value.unwrittenFrames > 0 { writeUnwritten() }
    }

    /// Encodes one frame after the unwritten ones (`encode` appends it and returns its size),
    /// within the limits; `frame` is asked (with the encoded bytes) only for a frame over the
    /// frame limit.
    private func sendOnLoop(encode: (inout ByteBuffer) -> Int, frame: (_ encoded: ByteBuffer) -> PeerFrame) {
        guard !state.value.isClosing else { return }
        if state.value.unwritten.readableBytes == 0 && state.value.unwritten.writerIndex > 0 {
            // The last batch was written (and, once the socket took it, released): reuse the storage.
            state.value.unwritten.clear()
        }
        let start = state.value.unwritten.writerIndex
        let frameBytes = encode(&state.value.unwritten)
        guard state.value.queuedFrames + 1 <= limits.framesMax, state.value.queuedBytes + frameBytes <= limits.bytesMax else {
            let reason = PeerDisconnectReason.outboundOverflow(frames: state.value.queuedFrames, bytes: state.value.queuedBytes)
            logger.warning("closing peer connection", metadata: ["connection": "\(self)", "reason": "\(reason)"])
            state.value.overflow = reason
            state.value.isClosing = true
            state.value.unwritten = ByteBuffer()
            state.value.unwrittenFrames = 0
            channel.close(promise: nil)
            return
        }
        guard frameBytes <= frameBytesMax else {
            // Over the frame limit: the encoder refuses it (`PeerFrameTooLargeToSend`) and the
            // connection reports the error, as for any frame it cannot encode. What was sent
            // before it goes first.
            let refused = frame(state.value.unwritten.getSlice(at: start, length: frameBytes) ?? ByteBuffer())
            state.value.unwritten.moveWriterIndex(to: start)
            if state.value.isEstablished { writeUnwritten() }
            channel.write(refused, promise: nil)
            return
        }
        state.value.queuedFrames += 1
        state.value.queuedBytes += frameBytes
        state.value.unwrittenFrames += 1
        guard state.value.isEstablished else { return }
        if state.value.unwrittenFrames >= Self.flushBatchFramesMax {
            writeUnwritten()
        } else {
            scheduleFlush()
        }
    }

    private func scheduleFlush() {
        guard !state.value.isFlushScheduled else { return }
        state.value.isFlushScheduled = true
        channel.eventLoop.assumeIsolated().execute { [self] in
            self.state.value.isFlushScheduled = false
            self.writeUnwritten()
        }
    }

    /// Writes and flushes the encoded frames as one buffer.
    private func writeUnwritten() {
        let frames = state.value.unwrittenFrames
        guard frames > 0, !state.value.isClosing, let writer = state.value.encodedWriter else { return }
        let batch = state.value.unwritten
        let bytes = batch.readableBytes
        state.value.unwrittenFrames = 0
        if batch.capacity > Self.retainedBufferBytesMax {
            state.value.unwritten = ByteBuffer()
        } else {
            state.value.unwritten.moveReaderIndex(to: state.value.unwritten.writerIndex)
        }
        let promise = channel.eventLoop.makePromise(of: Void.self)
        promise.futureResult.assumeIsolated().whenComplete { [self] _ in
            self.state.value.queuedFrames -= frames
            self.state.value.queuedBytes -= bytes
        }
        writer.writeAndFlush(NIOAny(batch), promise: promise)
    }

    private func onLoop(_ body: @escaping @Sendable (PeerConnection) -> Void) {
        if channel.eventLoop.inEventLoop {
            body(self)
        } else {
            channel.eventLoop.execute { body(self) }
        }
    }
}
