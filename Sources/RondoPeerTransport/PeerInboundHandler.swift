import Logging
import NIOCore
import RondoPeer

/// Everything a peer connection receives, in one handler: it keeps the bytes of a frame that has
/// not fully arrived, cuts frames with `PeerFrameDecoder`, runs the connection's
/// `PeerHandshakeStateMachine` (timeout, admission, refusals) and reports to the owner as
/// `PeerChannelEvent`s on the connection's event loop, logging every close reason once.
///
/// One handler rather than a `ByteToMessageHandler`, a handshake handler and a message handler
/// because the connection's hot path is per frame: a forwarded request, its reply and the
/// replication traffic are one small frame each, and every hop between handlers cost a `NIOAny`
/// box, a dynamic cast back and a call through the pipeline. Here a frame goes from the receive
/// buffer to the owner's callback as plain values. It keeps its own cumulation rather than a
/// `NIOSingleStepByteToMessageProcessor` (as `MemcachedServerHandler` does) because the processor
/// holds the last, fully decoded receive buffer until the next read (so NIO's receive-buffer pool
/// allocates anew) and moves its buffer out and back for every frame.
///
/// Behaviour is the pipeline's it replaces: a frame over the size limit is refused from its length
/// prefix; a malformed frame, a message before or a handshake message after the handshake closes
/// the connection with its `PeerProtocolError` (after telling the peer in an `ErrorFrame`); an
/// unknown type is skipped or answered per its must-understand flag; bytes of a frame that never
/// completed when the connection ends are a `truncatedFrame` close. Nothing from the wire traps.
///
/// Handshake frames it writes (`Hello`, the answer, a final `ErrorFrame`) go through the
/// `PeerFrameEncoder` before it; an owner-decided admission arrives as a `PeerAdmissionAnswer`
/// user outbound event (`PeerConnection.admit`).
final class PeerInboundHandler: ChannelDuplexHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundIn = PeerFrame
    typealias OutboundOut = PeerFrame

    private let connection: PeerConnection
    private let logger: Logger
    private let onEvent: @Sendable (PeerConnection, PeerChannelEvent) -> Void
    private let decoder: PeerFrameDecoder
    private var stateMachine: PeerHandshakeStateMachine
    private let handshakeTimeout: TimeAmount
    private var timeoutTask: Scheduled<Void>?
    /// The start of a frame whose bytes have not all arrived; nil when every byte read so far was
    /// decoded, so the receive buffer is let go (NIO's allocator can reuse it) between reads.
    private var cumulation: ByteBuffer?
    /// A `channelRead` is decoding. Bytes that arrive meanwhile (re-entrantly, from something the
    /// owner did in a callback) wait in `cumulation` and are decoded after the bytes before them.
    private var isDecoding = false
    private var closeReason: PeerCloseReason?
    private var ioError: (any Error)?
    private var isClosed = false

    init(
        connection: PeerConnection,
        side: PeerHandshakeStateMachine.Side,
        protocolLimits: PeerProtocolLimits,
        handshakeTimeout: TimeAmount,
        logger: Logger,
        onEvent: @escaping @Sendable (PeerConnection, PeerChannelEvent) -> Void
    ) {
        self.connection = connection
        self.logger = logger
        self.onEvent = onEvent
        self.decoder = PeerFrameDecoder(limits: protocolLimits)
        self.stateMachine = PeerHandshakeStateMachine(side: side, limits: protocolLimits)
        self.handshakeTimeout = handshakeTimeout
    }

    // MARK: - Channel events

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { start(context: context) }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        cancelTimeout()
    }

    func channelActive(context: ChannelHandlerContext) {
        start(context: context)
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var incoming = unwrapInboundIn(data)
        guard !isDecoding else {
            append(&incoming)
            return
        }
        isDecoding = true
        defer { isDecoding = false }
        var buffer: ByteBuffer
        if var waiting = cumulation.take() {
            waiting.writeBuffer(&incoming)
            buffer = waiting
        } else {
            buffer = incoming
        }
        decodeFrames(from: &buffer, context: context)
        while var arrived = cumulation.take() {
            buffer.writeBuffer(&arrived)
            decodeFrames(from: &buffer, context: context)
        }
        if buffer.readableBytes > 0 && !stateMachine.isClosedOrRefused {
            // A slice drops the decoded bytes before the partial frame: the next append copies
            // only the partial frame, so what is kept stays under one frame plus one read.
            cumulation = buffer.readerIndex == 0 ? buffer : buffer.slice()
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        guard !isClosed else { return }
        if let pending = cumulation.take(), pending.readableBytes > 0 {
            // The connection ended inside a frame.
            perform(stateMachine.protocolErrorCaught(.truncatedFrame(bufferedBytes: pending.readableBytes)), context: context)
        }
        isClosed = true
        cancelTimeout()
        stateMachine.channelInactive()
        let reason: PeerDisconnectReason
        if let overflow = connection.overflowReason {
            reason = overflow
        } else if let closeReason {
            reason = .protocolClose(closeReason)
        } else if let ioError {
            reason = .ioError("\(ioError)")
        } else {
            reason = .connectionClosed
        }
        connection.closedOnLoop()
        onEvent(connection, .closed(reason))
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // Protocol errors are found and handled while decoding; what arrives here is a socket
        // error (reset, refused write) or a frame the encoder refused.
        ioError = error
        logger.info("peer connection error", metadata: ["connection": "\(connection)", "error": "\(error)"])
        context.close(promise: nil)
    }

    func triggerUserOutboundEvent(context: ChannelHandlerContext, event: Any, promise: EventLoopPromise<Void>?) {
        guard let answer = event as? PeerAdmissionAnswer else {
            context.triggerUserOutboundEvent(event, promise: promise)
            return
        }
        perform(stateMachine.admissionDecided(answer), context: context)
        promise?.succeed(())
    }

    // MARK: - Decoding

    /// Decodes and handles whole frames from the front of `buffer` until a frame is incomplete or
    /// the connection is closing (what follows a close is not read, as the peer was told why).
    private func decodeFrames(from buffer: inout ByteBuffer, context: ChannelHandlerContext) {
        while !stateMachine.isClosedOrRefused {
            let frame: PeerFrame?
            do {
                frame = try decoder.decodeFrame(from: &buffer)
            } catch {
                perform(stateMachine.protocolErrorCaught(error), context: context)
                return
            }
            guard let frame else { return }
            perform(stateMachine.frameReceived(frame), context: context)
        }
    }

    private func append(_ bytes: inout ByteBuffer) {
        if cumulation == nil {
            cumulation = bytes
        } else {
            cumulation!.writeBuffer(&bytes)
        }
    }

    // MARK: - Handshake

    private func start(context: ChannelHandlerContext) {
        guard timeoutTask == nil, !stateMachine.isClosedOrRefused else { return }
        let loopBoundContext = NIOLoopBound(context, eventLoop: context.eventLoop)
        timeoutTask = context.eventLoop.assumeIsolated().scheduleTask(in: handshakeTimeout) { [self] in
            self.perform(self.stateMachine.handshakeTimedOut(), context: loopBoundContext.value)
        }
        perform(stateMachine.channelActive(), context: context)
    }

    private func cancelTimeout() {
        timeoutTask?.cancel()
        timeoutTask = nil
    }

    private func perform(_ action: PeerHandshakeStateMachine.Action, context: ChannelHandlerContext) {
        switch action {
        case .none:
            break
        case .deliver(let message):
            onEvent(connection, .message(message))
        case .send(let frame):
            context.writeAndFlush(wrapOutboundOut(frame), promise: nil)
        case .establish(let session, let reply):
            cancelTimeout()
            if let reply { context.writeAndFlush(wrapOutboundOut(reply), promise: nil) }
            // Frames the owner sent before the handshake leave after the answer.
            connection.establishedOnLoop(session)
            onEvent(connection, .established(session))
        case .awaitAdmission(let hello):
            onEvent(connection, .admissionRequested(hello))
        case .close(let reason, let finalFrame):
            cancelTimeout()
            closeReason = reason
            logger.info("closing peer connection", metadata: ["connection": "\(connection)", "reason": "\(reason)"])
            if let finalFrame {
                // Best effort: the peer learns why, but the close does not wait on a slow reader.
                context.writeAndFlush(wrapOutboundOut(finalFrame), promise: nil)
            }
            context.close(promise: nil)
        }
    }
}
